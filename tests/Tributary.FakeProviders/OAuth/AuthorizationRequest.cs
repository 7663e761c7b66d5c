namespace Tributary.FakeProviders;

/// <summary>A validated <c>/authorize</c> request, kept while the consent page waits and then inside its code.</summary>
internal sealed record AuthorizationRequest(
    string ClientId,
    string RedirectUri,
    string Scope,
    string? State,
    string? CodeChallenge,
    string? CodeChallengeMethod);

/// <summary>The outcome of checking an <c>/authorize</c> request.</summary>
internal abstract record AuthorizeOutcome
{
    /// <summary>Valid; the user may consent.</summary>
    public sealed record Accepted(AuthorizationRequest Request) : AuthorizeOutcome;

    /// <summary>The client or redirect URI is wrong: per RFC 6749 §4.1.2.1 the user sees an error, nothing is redirected.</summary>
    public sealed record ErrorPage(string Message) : AuthorizeOutcome;

    /// <summary>Anything else wrong goes back to the client's redirect URI with <c>error</c> and <c>state</c>.</summary>
    public sealed record RedirectError(string RedirectUri, string Error, string Description, string? State) : AuthorizeOutcome;
}
