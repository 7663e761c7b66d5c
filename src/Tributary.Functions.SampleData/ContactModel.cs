using System.Text.Json.Serialization;

namespace Tributary.Functions.SampleData;

internal sealed record SampleContact(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("first_name")] string FirstName,
    [property: JsonPropertyName("last_name")] string LastName,
    [property: JsonPropertyName("email")] string Email,
    [property: JsonPropertyName("phone")] string Phone,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("company_id")] string CompanyId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_generation")] int UpdatedGeneration,
    [property: JsonPropertyName("notes")] string Notes);

/// <summary>Contacts: name, email and employer are fixed; phone and title move with updates.</summary>
internal sealed class ContactModel() : SampleModel<SampleContact>(ModelName, "contact", ContactPurpose, JsonBytesWithoutNotes)
{
    public const string ModelName = "Contact";

    private const ulong ContactPurpose = 0x434F_4E54_0000_0000UL;
    private const ulong EmployerPurpose = 0x454D_504C_0000_0000UL;
    private const int JsonBytesWithoutNotes = 250;

    private static readonly CompanyModel Companies = new();

    /// <summary>The number of the company the contact works for; deals with the contact go to that company.</summary>
    public static long CompanyNumberOf(int seed, long contactNumber, int records) =>
        1 + (long)(SampleHash.Of(seed, EmployerPurpose, contactNumber, SampleHash.Fixed) % (ulong)Math.Max(1, records));

    public override SampleContact Create(long number, SampleRecordContext context)
    {
        var fixedDraws = FixedDraws(context.Seed, Purpose, number);
        var firstName = fixedDraws.Pick(SampleText.FirstNames);
        var lastName = fixedDraws.Pick(SampleText.LastNames);
        var current = CurrentDraws(context.Seed, Purpose, number, context.Generation);
        // 555-01xx numbers are reserved for fiction, so fake data never dials a real person.
        var phone = $"{current.Next(201, 990)}-555-01{current.Next(100):D2}";
        return new SampleContact(
            FormatId(number),
            firstName,
            lastName,
            $"{firstName}.{lastName}.{number}@example.com".ToLowerInvariant(),
            phone,
            current.Pick(SampleText.Titles),
            Companies.FormatId(CompanyNumberOf(context.Seed, number, context.Records)),
            CreatedAt(context.Seed, Purpose, number),
            context.Generation,
            Notes(number, context));
    }
}
