using System.Text;
using Tributary.Core.Logs;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Logs;

/// <summary>The run log's cap: first lines, a marker, the last lines, and never more than the cap, across attempts.</summary>
public sealed class RunLogCapTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ALogUnderItsCap_KeepsEveryLineInOrder()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, TimeProvider.System);
        var log = await harness.Logs.OpenAsync(1, SecretScrubber.None, Ct);

        for (var i = 0; i < 50; i++)
        {
            log.Info($"line {i}");
        }

        await log.FlushAsync();

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"line {i}"), harness.Store.Messages(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task ALogFarOverItsCap_StaysWithinItsLinesAndBytes_EvenAcrossAttempts(int attempts)
    {
        var options = RunLogOptions.Default with { MaxLinesPerRun = 100, MaxBytesPerRun = 4_000 };
        await using var harness = await RunLogHarness.StartAsync(options, TimeProvider.System);

        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var log = await harness.Logs.OpenAsync(7, SecretScrubber.None, Ct);
            for (var i = 0; i < 10_000; i++)
            {
                log.Info($"attempt {attempt} line {i:D5} {new string('x', 20)}");
            }

            log.Info($"attempt {attempt} ends");
            await log.FlushAsync();
        }

        var messages = harness.Store.Messages(7);
        Assert.InRange(messages.Count, 2, 100);
        Assert.InRange(messages.Sum(m => Encoding.UTF8.GetByteCount(m)), 1, 4_000);
        Assert.StartsWith("attempt 0 line 00000", messages[0], StringComparison.Ordinal);
        Assert.Contains(messages, m => m.Contains("left out", StringComparison.Ordinal));
        Assert.Equal($"attempt {attempts - 1} ends", messages[^1]);
    }

    [Fact]
    public async Task ALongLine_IsCutAndTheConnectionsSecretsAreScrubbed()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default with { MaxLineChars = 100 }, TimeProvider.System);
        var log = await harness.Logs.OpenAsync(2, SecretScrubber.FromCredentials("""{"type":"OAUTH2","access_token":"at-123456789","refresh_token":"rt-987654321"}"""), Ct);

        log.Info($"token at-123456789 and rt-987654321 {new string('y', 500)}");
        await log.FlushAsync();

        var message = Assert.Single(harness.Store.Messages(2));
        Assert.StartsWith("token [redacted] and [redacted] yyy", message, StringComparison.Ordinal);
        Assert.EndsWith("… (cut)", message, StringComparison.Ordinal);
        Assert.Equal(100 + "… (cut)".Length, message.Length);
    }

    [Fact]
    public async Task TokensAddedMidRun_AreScrubbedFromThenOn_AndTheFirstOnesStillAre()
    {
        await using var harness = await RunLogHarness.StartAsync(RunLogOptions.Default, TimeProvider.System);
        var log = await harness.Logs.OpenAsync(3, SecretScrubber.FromCredentials("""{"type":"OAUTH2","access_token":"at-first-111","refresh_token":"rt-first-222"}"""), Ct);

        log.AddSecrets(SecretScrubber.FromCredentials("""{"type":"OAUTH2","access_token":"at-second-333","refresh_token":"rt-second-444"}"""));
        log.Info("old at-first-111 rt-first-222, new at-second-333 rt-second-444");
        await log.FlushAsync();

        Assert.Equal("old [redacted] [redacted], new [redacted] [redacted]", Assert.Single(harness.Store.Messages(3)));
        Assert.Equal("Bearer [redacted]", log.Scrub("Bearer at-second-333"));
    }

    [Fact]
    public void BasicCredentials_AreScrubbedAlsoAsTheirAuthorizationHeader()
    {
        var scrubber = SecretScrubber.FromCredentials("""{"type":"BASIC","username":"someone","password":"pa55word!"}""");
        var header = Convert.ToBase64String(Encoding.UTF8.GetBytes("someone:pa55word!"));

        Assert.Equal("Basic [redacted] for [redacted]", scrubber.Scrub($"Basic {header} for someone"));
    }

    /// <summary>Lines kept in memory, per run, in append order; counts appends to show batching.</summary>
    internal sealed class MemoryLogStore : IRunLogStore
    {
        private readonly object _gate = new();
        private List<RunLogLine> _lines = [];

        public int Appends { get; private set; }

        public List<string> Messages(long runId)
        {
            lock (_gate)
            {
                return [.. _lines.Where(l => l.RunId == runId).Select(l => l.Message)];
            }
        }

        public Task AppendAsync(IReadOnlyList<RunLogLine> lines, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Appends++;
                _lines.AddRange(lines);
            }

            return Task.CompletedTask;
        }

        public Task TrimAsync(long runId, long maxLines, long maxBytes, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                long count = 0, bytes = 0;
                _lines = [.. _lines.Where(l => l.RunId != runId || (++count <= maxLines && (bytes += l.Size) <= maxBytes))];
            }

            return Task.CompletedTask;
        }

        public int UsageReads { get; private set; }

        public Task<RunLogUsage> GetUsageAsync(long runId, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                UsageReads++;
                var lines = _lines.Where(l => l.RunId == runId).ToList();
                return Task.FromResult(new RunLogUsage(lines.Count, lines.Sum(l => (long)l.Size)));
            }
        }

        public Task<IReadOnlyList<StoredRunLogLine>> ReadAsync(long runId, long afterId, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<int> DeleteOlderThanAsync(long before, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
