using System.Diagnostics;

namespace Tributary.Cli.Verbs;

/// <summary>One provider call of a dryrun as the function made it: method, URL, status (null when it threw), duration.</summary>
internal sealed record DryRunCall(string Method, string Url, int? Status, TimeSpan Duration);

/// <summary>
/// The outermost handler of a dryrun's provider client: it sees each request as the function made it — before the
/// credentials are applied, so no token or key is in what it keeps — and the answer after retries and refreshes.
/// </summary>
internal sealed class DryRunCallLog : DelegatingHandler
{
    private readonly List<DryRunCall> _calls = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<DryRunCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var url = request.RequestUri?.ToString() ?? "/";
        int? status = null;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            lock (_gate)
            {
                _calls.Add(new DryRunCall(request.Method.Method, url, status, Stopwatch.GetElapsedTime(started)));
            }
        }
    }
}
