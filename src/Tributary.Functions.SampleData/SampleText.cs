namespace Tributary.Functions.SampleData;

/// <summary>Word lists for fake records, and the filler text that pads records to a requested size.</summary>
internal static class SampleText
{
    public static IReadOnlyList<string> FirstNames { get; } =
    [
        "Ada", "Alan", "Amara", "Bjorn", "Carmen", "Chen", "Dara", "Diego", "Elif", "Emeka", "Farah", "Grace",
        "Hana", "Ines", "Ivan", "Jonas", "Kai", "Lena", "Luis", "Maya", "Mei", "Nadia", "Noah", "Olga", "Omar",
        "Priya", "Quinn", "Rosa", "Sami", "Sofia", "Tariq", "Uma", "Vera", "Wen", "Yara", "Zoe",
    ];

    public static IReadOnlyList<string> LastNames { get; } =
    [
        "Abara", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jansen", "Kowalski",
        "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi", "Silva", "Tanaka", "Usman", "Varga",
        "Weber", "Xu", "Yilmaz", "Zhou",
    ];

    public static IReadOnlyList<string> Titles { get; } =
    [
        "Account Executive", "CFO", "CTO", "Data Analyst", "Engineering Manager", "Head of Sales", "IT Director",
        "Marketing Lead", "Office Manager", "Operations Manager", "Procurement Lead", "Product Manager",
        "Software Engineer", "VP Finance",
    ];

    public static IReadOnlyList<string> CompanyAdjectives { get; } =
    [
        "Blue", "Bright", "Clear", "Crimson", "Golden", "Green", "Swift", "Silver", "Quiet", "Bold", "Northern",
        "Open", "Prime", "Solid", "True", "Wild",
    ];

    public static IReadOnlyList<string> CompanyNouns { get; } =
    [
        "Anchor", "Beacon", "Bridge", "Canyon", "Cedar", "Forge", "Harbor", "Lantern", "Meadow", "Orbit", "Peak",
        "River", "Summit", "Signal", "Stone", "Works",
    ];

    public static IReadOnlyList<string> CompanySuffixes { get; } = ["Inc", "Ltd", "GmbH", "Labs", "Group", "Co", "SA", "BV"];

    public static IReadOnlyList<string> Industries { get; } =
    [
        "Agriculture", "Construction", "Education", "Energy", "Finance", "Healthcare", "Hospitality", "Logistics",
        "Manufacturing", "Media", "Retail", "Software", "Telecommunications",
    ];

    public static IReadOnlyList<string> Products { get; } =
    [
        "Analytics Suite", "Annual Licence", "Consulting Package", "Data Migration", "Enterprise Plan",
        "Onboarding", "Premium Support", "Renewal", "Seat Expansion", "Training",
    ];

    public static IReadOnlyList<string> DealStages { get; } =
    [
        "prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost",
    ];

    private static readonly string[] FillerWords =
    [
        "account", "agenda", "budget", "call", "contract", "customer", "demo", "follow", "invoice", "meeting",
        "notes", "onboarding", "pilot", "pricing", "proposal", "quarter", "renewal", "review", "roadmap",
        "signed", "support", "team", "timeline", "update", "usage", "weekly",
    ];

    // Padding is sliced out of one fixed text instead of being generated word by word, because a
    // benchmark asks for a million ~1 KB records and building each from words would dominate the run.
    private static readonly string FillerSource = BuildFiller(16 * 1024);

    /// <summary>
    /// Text of exactly <paramref name="length"/> characters, starting at a place chosen by
    /// <paramref name="hash"/>. Plain ASCII letters and spaces only, so its JSON size equals its length.
    /// </summary>
    public static string Padding(ulong hash, int length)
    {
        if (length <= 0)
        {
            return string.Empty;
        }

        var start = (int)(hash % (ulong)FillerSource.Length);
        return string.Create(length, start, static (span, start) =>
        {
            var source = FillerSource.AsSpan();
            var position = start;
            var written = 0;
            while (written < span.Length)
            {
                var count = Math.Min(span.Length - written, source.Length - position);
                source.Slice(position, count).CopyTo(span[written..]);
                written += count;
                position = 0;
            }
        });
    }

    private static string BuildFiller(int length)
    {
        var random = new SampleRandom(0x5EED);
        var builder = new System.Text.StringBuilder(length + 16);
        while (builder.Length < length)
        {
            builder.Append(random.Pick(FillerWords)).Append(' ');
        }

        return builder.ToString(0, length);
    }
}
