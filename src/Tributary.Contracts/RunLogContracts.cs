using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>One line of a run's log.</summary>
/// <param name="Id">The line's id: pass it as <c>cursor</c> to read the lines after it.</param>
/// <param name="At">When it was written, ISO-8601.</param>
/// <param name="Level">debug, info, warn or error.</param>
/// <param name="Source">engine (claims, batches, checkpoints, hand-backs, the end), function (the function's own logger) or http (a call to the provider).</param>
/// <param name="Message">The text; the connection's secrets and secret-looking query values are redacted.</param>
public sealed record RunLogLineResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("message")] string Message);

/// <summary><c>GET /runs/{id}/logs</c>: one page of a run's log, oldest first.</summary>
/// <param name="Lines">The lines of the page.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> to continue (the last line's id, or the cursor given when no line came).</param>
/// <param name="HasMore">More lines are stored now beyond this page.</param>
/// <param name="RunState">The run's state when the page was read.</param>
/// <param name="Done">The run has finished and this page ends its log: no more lines will come.</param>
public sealed record RunLogPageResponse(
    [property: JsonPropertyName("lines")] IReadOnlyList<RunLogLineResponse> Lines,
    [property: JsonPropertyName("next_cursor")] string NextCursor,
    [property: JsonPropertyName("has_more")] bool HasMore,
    [property: JsonPropertyName("run_state")] string RunState,
    [property: JsonPropertyName("done")] bool Done);

/// <summary>The query of <c>GET /runs/{id}/logs</c>; any other parameter is a 400.</summary>
/// <param name="Cursor">The next_cursor of the previous page (or a line's id).</param>
/// <param name="Limit">Lines per page, 1 to 1,000 (500 when omitted).</param>
/// <param name="Follow">"true": when no line is there yet and the run is queued or running, wait for new ones.</param>
/// <param name="Wait">With follow: seconds to wait at most, 1 to 60 (25 when omitted).</param>
public sealed record RunLogQuery(
    [property: JsonPropertyName("cursor"), Description("The next_cursor of the previous page.")] string? Cursor,
    [property: JsonPropertyName("limit"), Description("1 to 1,000; 500 when omitted.")] int? Limit,
    [property: JsonPropertyName("follow"), Description("\"true\" waits for new lines of a queued or running run.")] string? Follow,
    [property: JsonPropertyName("wait"), Description("With follow: seconds to wait at most, 1 to 60; 25 when omitted.")] int? Wait);
