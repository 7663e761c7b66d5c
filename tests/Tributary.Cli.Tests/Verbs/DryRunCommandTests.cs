using System.Globalization;
using System.Text.Json.Nodes;
using GitHubSync;
using Tributary.Core;
using Tributary.FakeProviders;
using Tributary.Sdk.Testing;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary>
/// <c>tributary dryrun</c> on the C# GitHub sample against the fake GitHub: it writes nothing (every table's rows are
/// the same after it, on both databases), it shows the fake's data, and the answers it saves make the function's unit
/// test pass offline.
/// </summary>
public sealed class DryRunCommandTests
{
    private const string SecretVariable = "TRIBUTARY_TEST_FAKE_CLIENT_SECRET";
    private const string ConnectionId = "gh-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Dryrun_WritesNothing_ShowsTheFakesRecords_AndItsSavedAnswersPassTheUnitTestOffline(TestDialect dialect)
    {
        await using var setup = await Setup.StartAsync(dialect);
        var fixtures = Path.Combine(setup.Folder, "fixtures");
        var before = await setup.SnapshotAsync();

        var run = await setup.DryRunAsync("github", "issues", "--connection", ConnectionId, "--json", "--save-responses", fixtures);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(before, await setup.SnapshotAsync());
        var report = JsonNode.Parse(run.Output)!.AsObject();
        var issues = Records(report, GitHubIssuesSync.IssueModel);
        var comments = Records(report, GitHubIssuesSync.CommentModel);
        Assert.Equal(setup.Fakes.GitHub.Issues.All.Select(i => (i.Number, i.Title, i.State)).Order(), issues.Select(i => ((long)i["number"]!, (string)i["title"]!, (string)i["state"]!)).Order());
        Assert.Equal(setup.Fakes.GitHub.Comments.All.Select(c => (c.Id.ToString(CultureInfo.InvariantCulture), c.IssueNumber, c.Body)).Order(), comments.Select(c => ((string)c["id"]!, (long)c["issue_number"]!, (string)c["body"]!)).Order());
        Assert.Equal(5, (int)report["models"]![GitHubIssuesSync.IssueModel]!["added"]!);
        Assert.Equal(9, report["calls"]!.AsArray().Count);
        Assert.All(report["calls"]!.AsArray(), c => Assert.Equal(200, (int)c!["status"]!));
        Assert.Equal(10, (int)report["checkpoint_saves"]!);
        Assert.DoesNotContain(setup.Tokens.AccessToken, run.Output, StringComparison.Ordinal);
        Assert.Equal(9, Directory.GetFiles(fixtures, "*.json").Length);
        Assert.DoesNotContain(Directory.GetFiles(fixtures), f => File.ReadAllText(f).Contains(setup.Tokens.AccessToken, StringComparison.Ordinal));

        // The function's unit test on the saved answers: no network (RecordedResponses answers or throws), same records.
        var replay = RecordedResponses.FromDirectory(fixtures);
        var context = new TestSyncContext([GitHubIssuesSync.IssueModel, GitHubIssuesSync.CommentModel], Setup.Metadata)
        {
            HttpHandler = replay,
            HttpBaseAddress = new Uri("https://api.github.test/"),
        };
        await new GitHubIssuesSync().RunAsync(context, Token);
        Assert.Equal(issues.Select(i => i.ToJsonString()), context.LiveRecordsOf(GitHubIssuesSync.IssueModel).Select(r => r.Payload.ToJsonString()));
        Assert.Equal(comments.Select(c => c.ToJsonString()), context.LiveRecordsOf(GitHubIssuesSync.CommentModel).Select(r => r.Payload.ToJsonString()));
        Assert.Equal(9, replay.Requests.Count);
        UpdateSampleFixtures(fixtures, dialect);
    }

    [Fact]
    public async Task Dryrun_Table_ShowsCountsTheCheckpointAndTheCalls_AndACheckpointOptionIsWhereItStarts()
    {
        await using var setup = await Setup.StartAsync(TestDialect.Sqlite);

        var full = await setup.DryRunAsync("github", "issues", "--connection", ConnectionId);
        var incremental = await setup.DryRunAsync(
            "github", "issues", "--connection", ConnectionId, "--checkpoint", """{"since": "2024-01-01T07:00:00Z", "phase": "issues", "page": 1}""", "--json");

        Assert.True(full.ExitCode == 0, full.ToString());
        Assert.Contains("dryrun of github / issues on connection gh-1 (function github-sample-issues); nothing was written.", full.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ GitHubIssue\s+│ 5\s+│ 0\s+│ 0\s+│ 5\s+│", full.Output);
        Assert.Matches(@"│ GitHubComment\s+│ 10\s+│ 0\s+│ 0\s+│ 10\s+│", full.Output);
        Assert.Contains("(10 saves)", full.Output, StringComparison.Ordinal);
        Assert.Contains($"{setup.Fakes.GitHub.BaseUrl}repos/octo-org/octo-repo/issues?state=all&sort=updated&direction=asc&per_page=2&page=1", full.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(setup.Tokens.AccessToken, full.Output, StringComparison.Ordinal);
        Assert.True(incremental.ExitCode == 0, incremental.ToString());
        var calls = JsonNode.Parse(incremental.Output)!["calls"]!.AsArray();
        Assert.All(calls, c => Assert.Contains("since=2024-01-01T07%3A00%3A00Z", (string)c!["url"]!, StringComparison.Ordinal));
        Assert.Equal(2, Records(JsonNode.Parse(incremental.Output)!.AsObject(), GitHubIssuesSync.IssueModel).Count); // issues 4 and 5
    }

    [Fact]
    public async Task Dryrun_ADeclarativeRestSync_RunsLikeAFunction_WithTheConnectionsConfigInItsPath_AndWritesNothing()
    {
        await using var setup = await Setup.StartAsync(TestDialect.Sqlite);
        var before = await setup.SnapshotAsync();

        var run = await setup.DryRunAsync("github", "rest-issues", "--connection", ConnectionId, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(before, await setup.SnapshotAsync());
        var report = JsonNode.Parse(run.Output)!.AsObject();
        Assert.Equal(
            setup.Fakes.GitHub.Issues.All.Select(i => (i.Number.ToString(CultureInfo.InvariantCulture), i.Title, i.State)).Order(),
            Records(report, "Issue").Select(i => ((string)i["id"]!, (string)i["title"]!, (string)i["state"]!)).Order());
        Assert.All(report["calls"]!.AsArray(), c => Assert.Contains("/repos/octo-org/octo-repo/issues", (string)c!["url"]!, StringComparison.Ordinal));
        Assert.Equal(3, report["calls"]!.AsArray().Count); // 5 issues, 2 a page
    }

    [Fact]
    public async Task Dryrun_BadInput_OneErrorLineWithTheNangoCode_NonZeroExit_NothingWritten()
    {
        await using var setup = await Setup.StartAsync(TestDialect.Sqlite);
        var full = Path.Combine(setup.Folder, "used");
        Directory.CreateDirectory(full);
        await File.WriteAllTextAsync(Path.Combine(full, "0001-old.json"), "{}", Token);
        var before = await setup.SnapshotAsync();
        (string[] Args, string Error)[] cases =
        [
            (["nope", "issues", "--connection", ConnectionId], "error: unknown_provider_config: "),
            (["github", "nope", "--connection", ConnectionId], "error: unknown_sync: Connection 'gh-1' has no sync 'nope' (variant 'base')."),
            (["github", "issues", "--connection", "nope"], "error: unknown_connection: "),
            (["github", "issues", "--connection", ConnectionId, "--checkpoint", "{since:"], "error: invalid_checkpoint: --checkpoint: not valid JSON: "),
            (["github", "issues", "--connection", ConnectionId, "--checkpoint", "[1]"], "error: invalid_checkpoint: --checkpoint: must be a JSON object, or null for none."),
            (["github", "issues", "--connection", ConnectionId, "--metadata", "3"], "error: invalid_metadata: --metadata: must be a JSON object."),
            (["github", "issues", "--connection", ConnectionId, "--save-responses", full], $"error: invalid_save_responses: --save-responses: {full} already holds .json files"),
        ];

        foreach (var (args, error) in cases)
        {
            var run = await setup.DryRunAsync(args);

            Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
            Assert.Empty(run.Output);
            Assert.StartsWith(error, run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        Assert.Empty(setup.Fakes.GitHub.Requests.Entries);
        Assert.Equal(before, await setup.SnapshotAsync());
    }

    [Fact]
    public async Task Dryrun_TheFunctionFails_ShowsWhatItDidThenOneErrorLine_ExitsFailed()
    {
        await using var setup = await Setup.StartAsync(TestDialect.Sqlite);

        var run = await setup.DryRunAsync("github", "issues", "--connection", ConnectionId, "--metadata", """{"repo": "octo-repo"}""");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains("nothing was written.", run.Output, StringComparison.Ordinal);
        Assert.Equal(
            "error: sync_failed: the function failed: ArgumentException: The connection's metadata has no 'owner' (the repository's owner).",
            run.Error.Trim());
    }

    [Fact]
    public async Task Dryrun_OnAFolderWithoutADatabase_RefusesAndCreatesNothing()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.DataDir);

        var run = await CommandLine.RunAsync(Token, "dryrun", "demo", "contacts", "--connection", "x", "--data-dir", folder.DataDir, "--config", folder.ConfigPath);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: no_encryption_key: There is no credentials key", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(folder.DataDir)); // no key file, no SQLite file
    }

    private static List<JsonObject> Records(JsonObject report, string model) =>
        [.. report["models"]![model]!["records"]!.AsArray().Select(r => r!.AsObject())];

    /// <summary>
    /// With <c>TRIBUTARY_UPDATE_SAMPLE_FIXTURES=1</c>, the answers just saved replace the sample's committed fixtures
    /// (samples/github-csharp/GitHubSync.Tests/Fixtures/full): the way they were made.
    /// </summary>
    private static void UpdateSampleFixtures(string fixtures, TestDialect dialect)
    {
        if (dialect != TestDialect.Sqlite || Environment.GetEnvironmentVariable("TRIBUTARY_UPDATE_SAMPLE_FIXTURES") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Tributary.slnx")))
        {
            root = root.Parent;
        }

        var target = Path.Combine(root!.FullName, "samples", "github-csharp", "GitHubSync.Tests", "Fixtures", "full");
        foreach (var old in Directory.GetFiles(target, "*.json"))
        {
            File.Delete(old);
        }

        foreach (var file in Directory.GetFiles(fixtures, "*.json"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    /// <summary>A server with the sample's function, a connection to the fake GitHub (5 issues, 2 comments each, a token that does not expire).</summary>
    private sealed class Setup : IAsyncDisposable
    {
        public static readonly JsonObject Metadata = new() { ["owner"] = "octo-org", ["repo"] = "octo-repo", ["per_page"] = 2 };

        private readonly TestServer _server;
        private readonly TestDialect _dialect;

        private Setup(FakeProviders.FakeProviders fakes, TestServer server, TestDialect dialect, FakeTokenSet tokens)
        {
            Fakes = fakes;
            _server = server;
            _dialect = dialect;
            Tokens = tokens;
        }

        public FakeProviders.FakeProviders Fakes { get; }

        public FakeTokenSet Tokens { get; }

        /// <summary>The server's folder: <c>data/</c> and <c>tributary.yaml</c>; a scratch place for fixtures too.</summary>
        public string Folder => _server.DataDir;

        /// <summary>A declarative sync of the same issues, its path built from the connection's config.</summary>
        private const string RestIssuesSync = """
                  rest-issues:
                    models: [Issue]
                    frequency: every 1h
                    auto_start: false
                    rest:
                      path: /repos/${connectionConfig.owner}/${connectionConfig.repo}/issues
                      query: { state: all }
                      paginate: { type: link, limit_name_in_request: per_page, limit: 2 }
                      id: number
                      fields: { title: title, state: state }
            """;

        public static async Task<Setup> StartAsync(TestDialect dialect)
        {
            Environment.SetEnvironmentVariable(SecretVariable, FakeOAuthServer.DefaultClient.ClientSecret);
            var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 5, GitHubCommentsPerIssue = 2 }, Token);
            try
            {
                var config = $"""
                    providers:
                      github:
                        auth_mode: OAUTH2
                        authorization_url: {fakes.OAuth.AuthorizeUrl}
                        token_url: {fakes.OAuth.TokenUrl}
                        proxy:
                          base_url: https://api.github.com
                    integrations:
                      github:
                        provider: github
                        base_url: {fakes.GitHub.BaseUrl}
                        client_id: {FakeOAuthServer.DefaultClient.ClientId}
                        client_secret_env: {SecretVariable}
                        syncs:
                          issues:
                            function: {GitHubIssuesSync.Name}
                            models: [{GitHubIssuesSync.IssueModel}, {GitHubIssuesSync.CommentModel}]
                            frequency: every 1h
                            auto_start: false
                    {RestIssuesSync}
                    """;
                var server = await TestServer.StartAsync(dialect, Token, config, services: s => s.AddSyncFunction<GitHubIssuesSync>(GitHubIssuesSync.Name));
                var tokens = fakes.OAuth.IssueTokens();
                await server.Client.CreateConnectionAsync(
                    new JsonObject
                    {
                        ["provider_config_key"] = "github",
                        ["connection_id"] = ConnectionId,
                        ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["access_token"] = tokens.AccessToken },
                        ["metadata"] = Metadata.DeepClone(),
                        ["connection_config"] = new JsonObject { ["owner"] = "octo-org", ["repo"] = "octo-repo" },
                    },
                    Token);
                return new Setup(fakes, server, dialect, tokens);
            }
            catch
            {
                await fakes.DisposeAsync();
                throw;
            }
        }

        /// <summary>Runs dryrun in-process on this server's database, folder and file, with the sample registered as the host registers it.</summary>
        public Task<CommandRun> DryRunAsync(params string[] args)
        {
            string[] where = ["--data-dir", Path.Combine(Folder, "data"), "--config", Path.Combine(Folder, "tributary.yaml")];
            if (_server.DatabaseUrl is { } url)
            {
                where = [.. where, "--database", url];
            }

            var root = TributaryCommandLine.Create(s => s.AddSyncFunction<GitHubIssuesSync>(GitHubIssuesSync.Name));
            return CommandLine.RunAsync(root, Token, ["dryrun", .. args, .. where]);
        }

        /// <summary>Every row of every table, as text, table by table.</summary>
        public async Task<SortedDictionary<string, string>> SnapshotAsync()
        {
            await using var database = DatabaseFactory.Open(_server.DatabaseUrl, Path.Combine(Folder, "data"));
            await using var connection = await database.OpenAsync(Token);
            var tables = new List<string>();
            await using (var list = connection.CreateCommand())
            {
                list.CommandText = _dialect == TestDialect.Sqlite
                    ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                    : "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename";
                await using var reader = await list.ExecuteReaderAsync(Token);
                while (await reader.ReadAsync(Token))
                {
                    tables.Add(reader.GetString(0));
                }
            }

            var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await select.ExecuteReaderAsync(Token);
                var rows = new List<string>();
                while (await reader.ReadAsync(Token))
                {
                    rows.Add(string.Join(
                        " | ",
                        Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i) switch
                        {
                            byte[] bytes => Convert.ToBase64String(bytes),
                            var value => Convert.ToString(value, CultureInfo.InvariantCulture),
                        })));
                }

                rows.Sort(StringComparer.Ordinal);
                snapshot[table] = string.Join("\n", rows);
            }

            Assert.Contains("connections", snapshot.Keys);
            return snapshot;
        }

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            await Fakes.DisposeAsync();
        }
    }
}
