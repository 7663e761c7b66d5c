using System.Text.Json.Nodes;
using Tributary.Sdk.Testing;

namespace Tributary.Example.Tests;

/// <summary>The example sync on recorded responses of the API (Fixtures/): no network, no server, no database.</summary>
public sealed class ContactsSyncTests
{
    private static readonly Uri ApiBase = new("https://api.example.com/");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SavesEveryContactAcrossPages_AndLeavesNoCheckpoint()
    {
        var api = RecordedResponses.FromDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures"));
        var context = new TestSyncContext([Contact.Model]) { HttpHandler = api, HttpBaseAddress = ApiBase };

        await new ContactsSync().RunAsync(context, Token);

        Assert.Equal(["1", "2", "3"], context.LiveRecordsOf(Contact.Model).Select(r => r.Id).Order());
        Assert.Equal("Ada Lovelace", (string?)context.Find(Contact.Model, "1")!.Payload["name"]);
        Assert.Null(context.StoredCheckpoint);
    }

    [Fact]
    public async Task AnInterruptedRun_ResumesAtItsCheckpoint()
    {
        var api = RecordedResponses.FromDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures"));
        var context = new TestSyncContext([Contact.Model]) { HttpHandler = api, HttpBaseAddress = ApiBase };
        context.StoredCheckpoint = new JsonObject { ["offset"] = 2 };

        await new ContactsSync().RunAsync(context, Token);

        Assert.Equal([$"GET /contacts?offset=2&limit={ContactsSync.PageSize}"], api.Requests);
        Assert.Equal("3", Assert.Single(context.LiveRecordsOf(Contact.Model)).Id);
    }
}
