using System.Globalization;
using System.Text.Json;

namespace Tributary.FakeProviders;

/// <summary>
/// The subset of HubSpot's CRM search body the fake understands: <c>filterGroups</c> (groups OR-ed, filters AND-ed;
/// <c>EQ NEQ GT GTE LT LTE</c> on <c>lastmodifieddate</c>, <c>createdate</c>, <c>hs_object_id</c>, <c>email</c>),
/// one sort, <c>limit</c> (at most 200) and <c>after</c> (an offset, as HubSpot's search uses it).
/// </summary>
internal sealed record ContactSearch(IReadOnlyList<IReadOnlyList<ContactSearch.Filter>> Groups, string SortProperty, bool Descending, int Limit, int After)
{
    public static ContactSearch Parse(JsonElement body)
    {
        var groups = new List<IReadOnlyList<Filter>>();
        if (body.TryGetProperty("filterGroups", out var filterGroups))
        {
            foreach (var group in filterGroups.EnumerateArray())
            {
                groups.Add([.. group.GetProperty("filters").EnumerateArray().Select(f => new Filter(
                    f.GetProperty("propertyName").GetString()!,
                    f.GetProperty("operator").GetString()!,
                    f.GetProperty("value").ValueKind == JsonValueKind.String ? f.GetProperty("value").GetString()! : f.GetProperty("value").GetRawText()))]);
            }
        }

        var sortProperty = "hs_object_id";
        var descending = false;
        if (body.TryGetProperty("sorts", out var sorts) && sorts.GetArrayLength() > 0)
        {
            var sort = sorts[0];
            if (sort.ValueKind == JsonValueKind.String)
            {
                sortProperty = sort.GetString()!;
            }
            else
            {
                sortProperty = sort.GetProperty("propertyName").GetString()!;
                descending = sort.TryGetProperty("direction", out var d) && string.Equals(d.GetString(), "DESCENDING", StringComparison.Ordinal);
            }
        }

        var limit = body.TryGetProperty("limit", out var l) ? Math.Clamp(l.GetInt32(), 1, 200) : 10;
        var after = body.TryGetProperty("after", out var a)
            ? int.Parse(a.ValueKind == JsonValueKind.String ? a.GetString()! : a.GetRawText(), CultureInfo.InvariantCulture)
            : 0;
        // Evaluate every filter and the sort once on a blank contact, so an unsupported property, operator or value
        // is a 400 now rather than an exception in the middle of the answer.
        foreach (var filter in groups.SelectMany(g => g))
        {
            _ = filter.Matches(new FakeContact(0, "", "", "", FakeClock.Epoch, FakeClock.Epoch));
        }

        _ = Key(new FakeContact(0, "", "", "", FakeClock.Epoch, FakeClock.Epoch), sortProperty);
        return new ContactSearch(groups, sortProperty, descending, limit, Math.Max(0, after));
    }

    public List<FakeContact> Apply(IEnumerable<FakeContact> contacts)
    {
        var matches = contacts.Where(c => !c.Archived && (Groups.Count == 0 || Groups.Any(g => g.All(f => f.Matches(c)))));
        var ordered = Descending
            ? matches.OrderByDescending(c => Key(c, SortProperty)).ThenBy(c => c.Id)
            : matches.OrderBy(c => Key(c, SortProperty)).ThenBy(c => c.Id);
        return [.. ordered];
    }

    private static IComparable Key(FakeContact contact, string property) => property switch
    {
        "lastmodifieddate" => contact.UpdatedAt,
        "createdate" => contact.CreatedAt,
        "hs_object_id" => contact.Id,
        "email" => contact.Email,
        _ => throw new FormatException($"The fake cannot sort or filter on '{property}'."),
    };

    internal sealed record Filter(string Property, string Operator, string Value)
    {
        public bool Matches(FakeContact contact)
        {
            var actual = Key(contact, Property);
            var compared = actual.CompareTo(Parse(actual, Value));
            return Operator switch
            {
                "EQ" => compared == 0,
                "NEQ" => compared != 0,
                "GT" => compared > 0,
                "GTE" => compared >= 0,
                "LT" => compared < 0,
                "LTE" => compared <= 0,
                _ => throw new FormatException($"The fake does not support the operator '{Operator}'."),
            };
        }

        /// <summary>Dates come as epoch milliseconds or ISO 8601, as HubSpot accepts them.</summary>
        private static object Parse(IComparable actual, string value) => actual switch
        {
            DateTimeOffset => long.TryParse(value, CultureInfo.InvariantCulture, out var ms)
                ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
                : DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
            long => long.Parse(value, CultureInfo.InvariantCulture),
            _ => value,
        };
    }
}
