using System.Diagnostics;

namespace Tributary.Cli.Verbs;

/// <summary>
/// <c>tributary open</c>: the dashboard's URL, opened in a browser when the machine has <c>xdg-open</c>, else printed.
/// Needs no key: the dashboard signs in itself.
/// </summary>
internal static class OpenCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "Server URL (TRIBUTARY_URL; default http://127.0.0.1:3003)" };
        var print = new Option<bool>("--print") { Description = "Only print the URL, do not start a browser" };
        var json = RemoteOptions.JsonFlag();
        var command = new Command("open", "Open the dashboard (<url>/dashboard) in a browser, or print its URL.") { url, print, json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var server = result.GetValue(url) ?? ServerOptionsBinding.ProcessEnv("TRIBUTARY_URL") ?? RemoteOptions.DefaultUrl;
            if (!Uri.TryCreate(server, UriKind.Absolute, out var baseAddress) || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"error: --url: '{server}' is not an http(s) URL.");
                return ExitCodes.BadInput;
            }

            var dashboard = new Uri(baseAddress.ToString().TrimEnd('/') + "/dashboard");
            var opened = !result.GetValue(print) && TryOpen(dashboard);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                var body = new System.Text.Json.Nodes.JsonObject { ["url"] = dashboard.ToString(), ["opened"] = opened };
                await output.WriteLineAsync(JsonOutput.Write(body));
            }
            else
            {
                await output.WriteLineAsync(opened ? $"Opened {dashboard}" : dashboard.ToString());
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Starts <c>xdg-open</c> when it is on the PATH and there is a display to open on.</summary>
    private static bool TryOpen(Uri dashboard)
    {
        var hasDisplay = ServerOptionsBinding.ProcessEnv("DISPLAY") is not null || ServerOptionsBinding.ProcessEnv("WAYLAND_DISPLAY") is not null;
        var opener = (ServerOptionsBinding.ProcessEnv("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "xdg-open"))
            .FirstOrDefault(File.Exists);
        if (!hasDisplay || opener is null)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(opener, dashboard.ToString()) { UseShellExecute = false });
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
