using System.Text.Json.Serialization;

namespace Tributary.Example;

/// <summary>A contact as the example API lists it and as the sync saves it (the record's <c>id</c> is required).</summary>
public sealed record Contact(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt)
{
    /// <summary>The model name tributary.yaml lists and <c>GET /records?model=</c> reads.</summary>
    public const string Model = "Contact";
}

/// <summary>One page of <c>GET contacts?offset=&amp;limit=</c>.</summary>
public sealed record ContactsPage(
    [property: JsonPropertyName("contacts")] IReadOnlyList<Contact> Contacts,
    [property: JsonPropertyName("total")] int Total);
