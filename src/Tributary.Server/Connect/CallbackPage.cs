using System.Text.Encodings.Web;

namespace Tributary.Server.Connect;

/// <summary>
/// The page the OAuth popup ends on, as Nango's: success closes the window (the SDK learnt the result over its
/// WebSocket); failure stays open with the error code. No token or state ever appears on it.
/// </summary>
internal static class CallbackPage
{
    public static string Render(string? errorType)
    {
        var error = errorType is null ? null : HtmlEncoder.Default.Encode(errorType);
        var message = error is null
            ? "<p id=\"result\" data-result=\"success\">You are now connected.</p>"
            : $"<p id=\"result\" data-result=\"error\">An error occurred during authorization (code: {error}).</p>";
        var script = error is null
            ? "window.setTimeout(function () { try { window.close(); } catch (e) { } }, 200);"
            : string.Empty;
        return $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Authorization callback</title></head>
            <body style="font-family: sans-serif;">
            {{message}}
            <p>You can close this window.</p>
            <script>{{script}}</script>
            </body>
            </html>
            """;
    }
}
