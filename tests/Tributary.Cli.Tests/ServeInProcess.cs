using System.Globalization;
using System.Text;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests;

/// <summary><c>tributary serve</c> run in this process on a free loopback port, stopped by cancelling it.</summary>
internal sealed class ServeInProcess : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task<CommandRun> _run;
    private readonly StringBuilder _output;

    private ServeInProcess(CancellationTokenSource stop, Task<CommandRun> run, StringBuilder output, int port, string dataDir)
    {
        _stop = stop;
        _run = run;
        _output = output;
        Port = port;
        DataDir = dataDir;
    }

    public int Port { get; }

    public string DataDir { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The dev key this start generated and kept in the data folder.</summary>
    public string SecretKey => File.ReadAllText(Path.Combine(DataDir, "secret-key")).Trim();

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

    /// <summary>Starts serve on <paramref name="dataDir"/> and waits until <c>/health</c> answers.</summary>
    /// <remarks>
    /// The port is picked free and then bound by serve, so another test can take it in between: a start that fails
    /// only because the address is in use is tried again on a new port (three tries).
    /// </remarks>
    public static async Task<ServeInProcess> StartAsync(string dataDir, string configPath, CancellationToken cancellationToken, params string[] extraArgs)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(dataDir, configPath, extraArgs, cancellationToken);
            }
            catch (Exception ex) when (attempt < 3 && IsAddressInUse(ex))
            {
                // Lost the port to another test; take another.
            }
        }
    }

    private static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<ServeInProcess> StartOnFreePortAsync(string dataDir, string configPath, string[] extraArgs, CancellationToken cancellationToken)
    {
        var port = TestServer.FreePort();
        var output = new StringBuilder();
        var writer = TextWriter.Synchronized(new StringWriter(output));
        string[] args = ["serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", dataDir, "--config", configPath, .. extraArgs];
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Task.Run(() => CommandLine.RunAsync(writer, writer, stop.Token, args), CancellationToken.None);
        var server = new ServeInProcess(stop, run, output, port, dataDir);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Eventually.TrueAsync(
                async token =>
                {
                    if (run.IsCompleted)
                    {
                        throw new InvalidOperationException($"serve ended before answering: {await run}");
                    }

                    try
                    {
                        using var response = await http.GetAsync(new Uri(server.BaseUrl, "health"), token);
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false; // Not listening yet.
                    }
                    catch (TaskCanceledException) when (!token.IsCancellationRequested)
                    {
                        return false; // The probe's own 2 s timeout: a loaded machine, still starting.
                    }
                },
                TimeSpan.FromSeconds(30),
                $"serve on port {port} to answer /health",
                cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public TributaryClient Client() => new(BaseUrl, SecretKey);

    /// <summary>Stops serve (as Ctrl+C would) and returns its exit code and what it printed (stdout and stderr together).</summary>
    public async Task<CommandRun> StopAsync()
    {
        await _stop.CancelAsync();
        var run = await _run;
        return run with { Output = Output, Error = Output };
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}
