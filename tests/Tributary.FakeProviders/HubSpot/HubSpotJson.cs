using System.Globalization;
using System.Text.Json;

namespace Tributary.FakeProviders;

/// <summary>HubSpot's JSON shapes: CRM objects, paging, and error bodies.</summary>
internal static class HubSpotJson
{
    public static void WriteContact(Utf8JsonWriter writer, FakeContact contact)
    {
        var id = contact.Id.ToString(CultureInfo.InvariantCulture);
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WriteStartObject("properties");
        writer.WriteString("createdate", Time(contact.CreatedAt));
        writer.WriteString("email", contact.Email);
        writer.WriteString("firstname", contact.FirstName);
        writer.WriteString("hs_object_id", id);
        writer.WriteString("lastmodifieddate", Time(contact.UpdatedAt));
        writer.WriteString("lastname", contact.LastName);
        writer.WriteEndObject();
        writer.WriteString("createdAt", Time(contact.CreatedAt));
        writer.WriteString("updatedAt", Time(contact.UpdatedAt));
        writer.WriteBoolean("archived", contact.Archived);
        writer.WriteEndObject();
    }

    /// <summary>The flat item of the offset-paginated endpoint.</summary>
    public static void WriteItem(Utf8JsonWriter writer, FakeContact contact)
    {
        writer.WriteStartObject();
        writer.WriteString("id", contact.Id.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("email", contact.Email);
        writer.WriteString("name", $"{contact.FirstName} {contact.LastName}");
        writer.WriteString("updated_at", Time(contact.UpdatedAt));
        writer.WriteEndObject();
    }

    public static void WriteErrorProperties(Utf8JsonWriter writer, string message, string category)
    {
        writer.WriteString("status", "error");
        writer.WriteString("message", message);
        writer.WriteString("correlationId", "00000000-0000-4000-8000-000000000000");
        writer.WriteString("category", category);
    }

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
