using System.Diagnostics;
using System.Text;

namespace Tributary.Testing;

/// <summary>
/// A real <c>tributary serve</c> process, for tests that must kill a worker (SIGKILL, not a mock) or run several
/// processes against one PostgreSQL database.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The CLI built beside the test assembly (any artifacts path): bin/Tributary.Cli/&lt;config&gt;/tributary.dll.</summary>
    public static string CliPath
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(testBin.Parent!.Parent!.FullName, "Tributary.Cli", testBin.Name, "tributary.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The tributary CLI was not built at {path}.");
        }
    }

    public static async Task<ServerProcess> StartAsync(string dataDir, string configPath, string secretKey, string? databaseUrl, CancellationToken cancellationToken, params string[] extraArgs) =>
        await StartAsync(dataDir, configPath, secretKey, databaseUrl, null, cancellationToken, extraArgs);

    public static async Task<ServerProcess> StartAsync(string dataDir, string configPath, string secretKey, string? databaseUrl, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var port = TestServer.FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { CliPath, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDir, "--config", configPath }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }

        if (databaseUrl is not null)
        {
            info.ArgumentList.Add("--database");
            info.ArgumentList.Add(databaseUrl);
        }

        info.Environment["TRIBUTARY_SECRET_KEY"] = secretKey;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start tributary.");
        var server = new ServerProcess(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitHealthyAsync(cancellationToken);
        return server;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// SIGTERM, as a rolling deploy (or <c>docker stop</c>) sends it; waits up to <paramref name="timeout"/> for the
    /// process to exit by itself and returns how long it took (null when it did not exit in time).
    /// </summary>
    public async Task<TimeSpan?> TerminateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            return clock.Elapsed;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, no lease handed back.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(
            async token =>
            {
                if (_process.HasExited)
                {
                    // HasExited can be true before the output handlers have seen the last lines (the reason it
                    // exited); WaitForExitAsync also waits for both redirected streams to end.
                    await _process.WaitForExitAsync(token);
                    throw new InvalidOperationException($"tributary exited with {_process.ExitCode}:\n{Output}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(BaseUrl, "health"), token);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
                catch (TaskCanceledException) when (!token.IsCancellationRequested)
                {
                    return false; // A slow first answer while the process warms up.
                }
            },
            TimeSpan.FromSeconds(60),
            $"tributary serve on port {Port} to answer /health",
            cancellationToken,
            TimeSpan.FromMilliseconds(100));
    }
}
