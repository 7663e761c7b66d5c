using System.Text.Json.Serialization;

namespace Tributary.Functions.SampleData;

internal sealed record SampleDeal(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("close_date")] DateOnly CloseDate,
    [property: JsonPropertyName("company_id")] string CompanyId,
    [property: JsonPropertyName("contact_id")] string ContactId,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_generation")] int UpdatedGeneration,
    [property: JsonPropertyName("notes")] string Notes);

/// <summary>Deals: product, contact and company are fixed; amount, stage and close date move with updates.</summary>
internal sealed class DealModel() : SampleModel<SampleDeal>(ModelName, "deal", DealPurpose, JsonBytesWithoutNotes)
{
    public const string ModelName = "Deal";

    private const ulong DealPurpose = 0x4445_414C_0000_0000UL;
    private const ulong ContactPurpose = 0x4445_434F_0000_0000UL;
    private const int JsonBytesWithoutNotes = 277;

    private static readonly CompanyModel Companies = new();
    private static readonly ContactModel Contacts = new();

    public override SampleDeal Create(long number, SampleRecordContext context)
    {
        var contactNumber = 1 + (long)(SampleHash.Of(context.Seed, ContactPurpose, number, SampleHash.Fixed)
            % (ulong)Math.Max(1, context.Records));
        var companyNumber = ContactModel.CompanyNumberOf(context.Seed, contactNumber, context.Records);
        var fixedDraws = FixedDraws(context.Seed, Purpose, number);
        var product = fixedDraws.Pick(SampleText.Products);
        var createdAt = CreatedAt(context.Seed, Purpose, number);
        var current = CurrentDraws(context.Seed, Purpose, number, context.Generation);
        // Whole cents with a fixed scale of 2, so that amounts always serialize as e.g. 1200.00.
        var amount = new decimal(current.Next(100_000, 25_000_000), 0, 0, false, 2);
        return new SampleDeal(
            FormatId(number),
            $"{product} for {CompanyModel.NameOf(context.Seed, companyNumber)}",
            amount,
            "USD",
            current.Pick(SampleText.DealStages),
            DateOnly.FromDateTime(createdAt).AddDays(current.Next(7, 181)),
            Companies.FormatId(companyNumber),
            Contacts.FormatId(contactNumber),
            createdAt,
            context.Generation,
            Notes(number, context));
    }
}
