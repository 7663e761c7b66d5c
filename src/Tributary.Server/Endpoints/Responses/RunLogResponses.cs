using Tributary.Core.Domain;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's run log pages as the API shows them.</summary>
internal static class RunLogResponses
{
    public static RunLogPageResponse From(RunLogPage page) => new(
        [.. page.Lines.Select(line => new RunLogLineResponse(
            line.Id.ToString(CultureInfo.InvariantCulture),
            Micros.ToIsoString(line.At),
            line.Level,
            line.Source,
            line.Message))],
        page.NextCursor.ToString(CultureInfo.InvariantCulture),
        page.HasMore,
        page.State.ToApiName(),
        page.Done);
}
