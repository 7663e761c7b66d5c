using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Tributary.Bench.Infrastructure;

/// <summary>How to start <c>tributary serve</c> for one database: the build, the data folder, the config, the key.</summary>
internal sealed record ServerLaunch(string TributaryDll, string DataDir, string ConfigPath, string? DatabaseUrl, string SecretKey, string LogDir);

/// <summary>
/// One real <c>tributary serve</c> process on a free loopback port. Stopped with SIGTERM (the graceful path
/// operators use), killed only when it does not stop in time.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly TextWriter _log;

    private ServerProcess(Process process, TextWriter log, Uri baseUrl, string label)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
        Label = label;
    }

    public Uri BaseUrl { get; }

    public string Label { get; }

    public int Pid => _process.Id;

    public static async Task<ServerProcess> StartAsync(ServerLaunch launch, string role, int workerSlots, string label, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            launch.TributaryDll, "serve", "--port", port.ToString(CultureInfo.InvariantCulture), "--data-dir", launch.DataDir,
            "--config", launch.ConfigPath, "--role", role, "--worker-slots", workerSlots.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        if (launch.DatabaseUrl is not null)
        {
            info.ArgumentList.Add("--database");
            info.ArgumentList.Add(launch.DatabaseUrl);
        }

        info.Environment["TRIBUTARY_SECRET_KEY"] = launch.SecretKey;

        // The per-environment rate limit (60,000/min by default) would cap the read benchmarks at 1,000 requests/s;
        // B8 measures the engine, so the limit is off, as the issue allows.
        info.Environment["TRIBUTARY_RATE_LIMIT_PER_MINUTE"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        Directory.CreateDirectory(launch.LogDir);
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(launch.LogDir, $"{label}.log"), append: true) { AutoFlush = true });
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, log, new Uri($"http://127.0.0.1:{port}/"), label);
        await server.WaitHealthyAsync(launch.LogDir, cancellationToken);
        return server;
    }

    /// <summary>Resident set size now, from /proc.</summary>
    public long RssBytes() => ReadStatusKilobytes("VmRSS:") * 1024;

    /// <summary>The highest resident set size of the process's life (the kernel's high-water mark).</summary>
    public long PeakRssBytes() => ReadStatusKilobytes("VmHWM:") * 1024;

    /// <summary>User + system CPU time consumed so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>
    /// Waits until the process has used less than <paramref name="busy"/> of CPU in each of two <paramref name="window"/>s
    /// in a row, or until <paramref name="most"/> has passed; returns how long that took and the CPU it used meanwhile.
    /// A .NET process goes on compiling for a while after its work ends (tiered compilation recompiles what ran hot on
    /// a background thread): B14 waits for that before it pauses a delivery worker, or the compiles wait, paused, and
    /// run during the next outbox's measured delivery.
    /// </summary>
    public async Task<(TimeSpan Waited, TimeSpan Cpu)> WaitUntilIdleAsync(TimeSpan window, TimeSpan busy, TimeSpan most, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var first = CpuTime();
        var last = first;
        var quiet = 0;
        while (quiet < 2 && Stopwatch.GetElapsedTime(started) < most)
        {
            await Task.Delay(window, TimeProvider.System, cancellationToken);
            var now = CpuTime();
            quiet = now - last < busy ? quiet + 1 : 0;
            last = now;
        }

        return (Stopwatch.GetElapsedTime(started), last - first);
    }

    /// <summary>
    /// Freezes the process (SIGSTOP) until <see cref="ResumeAsync"/>: it keeps its state, warm code and connections
    /// but does nothing meanwhile (B14 fills the outbox past a delivery worker that has already delivered once).
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused process go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not send {signal} to {Label}.");
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} exited with {kill.ExitCode}.");
        }
    }

    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
        {
            if (kill is not null)
            {
                await kill.WaitForExitAsync();
            }
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Log.Info($"{Label} did not stop within {StopTimeout.TotalSeconds:0} s; killing it.");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task WaitHealthyAsync(string logDir, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(deadline) < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Label} exited with code {_process.ExitCode} while starting; see {logDir}/{Label}.log.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseUrl, "health"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken);
        }

        throw new TimeoutException($"{Label} did not answer /health within {StartTimeout.TotalSeconds:0} s.");
    }

    private long ReadStatusKilobytes(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var digits = new string(line.AsSpan(field.Length).Trim().ToString().TakeWhile(char.IsAsciiDigit).ToArray());
                return long.Parse(digits, CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field}.");
    }

    private static void Write(TextWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            log.WriteLine(line);
        }
        catch (ObjectDisposedException)
        {
            // A last line after the bench closed the log.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
