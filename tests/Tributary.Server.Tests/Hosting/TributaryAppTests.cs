using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Engine;
using Tributary.Testing;

namespace Tributary.Server.Tests.Hosting;

public sealed class TributaryAppTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BuildAsync_WithoutExtraServices_RegistersSampleDataAndNoBenchFunction()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);

        var names = server.Services.GetRequiredService<SyncFunctionRegistry>().Names;

        Assert.Contains("sample-data", names);
        Assert.DoesNotContain(names, name => name.StartsWith("bench-", StringComparison.Ordinal));
    }
}
