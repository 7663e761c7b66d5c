using System.Text.Encodings.Web;

namespace Tributary.FakeProviders;

/// <summary>
/// The fake's consent screen: one form posting back to <c>/authorize</c> with a <c>request_id</c> and the button
/// pressed (<c>decision=allow</c> or <c>deny</c>). Stable markup, so a browser test clicks <c>#allow</c> and an
/// HTTP test posts the form.
/// </summary>
internal static class ConsentPage
{
    public static string Render(string action, string requestId, AuthorizationRequest request)
    {
        var html = HtmlEncoder.Default;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Authorize {{html.Encode(request.ClientId)}}</title></head>
            <body>
            <h1>Authorize {{html.Encode(request.ClientId)}}</h1>
            <p>The application asks for: <span id="scope">{{html.Encode(request.Scope)}}</span></p>
            <form id="consent" method="post" action="{{html.Encode(action)}}">
            <input type="hidden" name="request_id" value="{{html.Encode(requestId)}}">
            <button type="submit" id="allow" name="decision" value="allow">Allow</button>
            <button type="submit" id="deny" name="decision" value="deny">Deny</button>
            </form>
            </body>
            </html>
            """;
    }

    public static string Error(string message) =>
        $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head>
        <body><h1>Authorization error</h1><p id="error">{HtmlEncoder.Default.Encode(message)}</p></body></html>
        """;
}
