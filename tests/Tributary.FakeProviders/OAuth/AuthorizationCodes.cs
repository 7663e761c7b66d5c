using System.Collections.Concurrent;

namespace Tributary.FakeProviders;

/// <summary>
/// Authorization codes and consent pages waiting for an answer. Both are single use: taking one removes it, so a
/// replayed code or a double-submitted consent form fails.
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Entry> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry> _pendingConsents = new(StringComparer.Ordinal);

    public string IssueCode(AuthorizationRequest request) => Add(_codes, request);

    public bool TryTakeCode(string code, TimeSpan lifetime, out AuthorizationRequest request) => TryTake(_codes, code, lifetime, out request);

    public string AddPendingConsent(AuthorizationRequest request) => Add(_pendingConsents, request);

    public bool TryTakePendingConsent(string id, TimeSpan lifetime, out AuthorizationRequest request) => TryTake(_pendingConsents, id, lifetime, out request);

    private string Add(ConcurrentDictionary<string, Entry> entries, AuthorizationRequest request)
    {
        var key = TokenStore.NewToken("");
        entries[key] = new Entry(request, timeProvider.GetUtcNow());
        return key;
    }

    private bool TryTake(ConcurrentDictionary<string, Entry> entries, string key, TimeSpan lifetime, out AuthorizationRequest request)
    {
        request = null!;
        if (!entries.TryRemove(key, out var entry) || timeProvider.GetUtcNow() - entry.IssuedAt > lifetime)
        {
            return false;
        }

        request = entry.Request;
        return true;
    }

    private sealed record Entry(AuthorizationRequest Request, DateTimeOffset IssuedAt);
}
