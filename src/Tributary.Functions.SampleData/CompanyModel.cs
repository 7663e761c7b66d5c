using System.Text.Json.Serialization;

namespace Tributary.Functions.SampleData;

internal sealed record SampleCompany(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("domain")] string Domain,
    [property: JsonPropertyName("industry")] string Industry,
    [property: JsonPropertyName("employees")] int Employees,
    [property: JsonPropertyName("annual_revenue")] long AnnualRevenue,
    [property: JsonPropertyName("created_at")] DateTime CreatedAt,
    [property: JsonPropertyName("updated_generation")] int UpdatedGeneration,
    [property: JsonPropertyName("notes")] string Notes);

/// <summary>Companies: name, domain and industry are fixed; head count and revenue move with updates.</summary>
internal sealed class CompanyModel() : SampleModel<SampleCompany>(ModelName, "company", CompanyPurpose, JsonBytesWithoutNotes)
{
    public const string ModelName = "Company";

    private const ulong CompanyPurpose = 0x434F_4D50_0000_0000UL;
    private const int JsonBytesWithoutNotes = 223;

    /// <summary>The company's name, also used by deals that refer to it.</summary>
    public static string NameOf(int seed, long number) => IdentityOf(seed, number).Name;

    public override SampleCompany Create(long number, SampleRecordContext context)
    {
        var identity = IdentityOf(context.Seed, number);
        var current = CurrentDraws(context.Seed, Purpose, number, context.Generation);
        var employees = current.Next(5, 5_000);
        var revenuePerEmployee = current.Next(50_000, 400_000);
        return new SampleCompany(
            FormatId(number),
            identity.Name,
            $"{identity.Adjective}{identity.Noun}-{number}.example".ToLowerInvariant(),
            identity.Industry,
            employees,
            (long)employees * revenuePerEmployee,
            CreatedAt(context.Seed, Purpose, number),
            context.Generation,
            Notes(number, context));
    }

    private static CompanyIdentity IdentityOf(int seed, long number)
    {
        var draws = FixedDraws(seed, CompanyPurpose, number);
        return new CompanyIdentity(
            draws.Pick(SampleText.CompanyAdjectives),
            draws.Pick(SampleText.CompanyNouns),
            draws.Pick(SampleText.CompanySuffixes),
            draws.Pick(SampleText.Industries));
    }

    private readonly record struct CompanyIdentity(string Adjective, string Noun, string Suffix, string Industry)
    {
        public string Name => $"{Adjective} {Noun} {Suffix}";
    }
}
