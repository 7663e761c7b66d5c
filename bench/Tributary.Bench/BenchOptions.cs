namespace Tributary.Bench;

/// <summary>The command line of <c>tributary-bench</c>.</summary>
internal sealed record BenchOptions(
    BenchProfile Profile,
    IReadOnlyList<string> Databases,
    string? PostgresUrl,
    bool WriteDocs,
    string RepoRoot,
    string TributaryDll,
    string WorkDir,
    bool KeepWorkDir,
    string CommandLine,
    string? Only = null)
{
    /// <summary><c>--only B10</c>: B10's burst, idle tick and baseline, without the rest of the suite.</summary>
    public const string SchedulerOnly = "B10";

    /// <summary><c>--only B5</c>: the fresh records ingest and its baselines, without the rest of the suite.</summary>
    public const string IngestOnly = "B5";

    /// <summary><c>--only B13</c>: the declarative sync against its hand-written C# twin, without the rest of the suite.</summary>
    public const string DeclarativeOnly = "B13";

    /// <summary>
    /// The other scenarios <c>--only</c> runs alone (each with what it needs first): B1 and B2 (the full suite's first
    /// phase as it is), the fan-out's drain with B11's resting worker, reads, the claim, webhooks, proxy, Node client.
    /// </summary>
    public static readonly IReadOnlyList<string> OtherOnly = ["B2", "B4", "B8", "B9", "B14", "B15", "B16"];

    public const string Usage = """
        usage: tributary-bench [--quick|--medium|--full] [--database sqlite|postgres|both] [--postgres-url CONN]
                               [--tributary PATH/tributary-bench-host.dll] [--repo DIR] [--work-dir DIR] [--keep] [--write-docs]
                               [--command "how this run was started, for docs/benchmarks.md"] [--only B2|B4|B9|B10|B5|B8|B13|B14|B15|B16]
          --quick       small sizes; checks that every figure is produced (exit 1 when one is missing)
          --full        the sizes of issue 5 (1,000,000 records, 10,000 fan-out connections, 100,000 schedules)
          --postgres-url an empty PostgreSQL to use; without it the bench starts one with scripts/postgres.sh
          --only B2     the all-in-one server of the full suite: B1 (idle trigger latency), then B2 (under load syncs)
          --only B10    only the scheduler figures (fan-out connections, then the burst, idle tick and baseline);
                        the other figures are not produced, so it cannot be combined with --write-docs
          --only B4     the fan-out (B3, B4), then B11's resting and holding worker RSS on the drained worker
          --only B5     only the fresh ingest (the records connection, one records worker, B5 and its baselines)
          --only B9     the suite's connections (one API server), then B9's claims with no server running
          --only B8     B5's ingest (the dataset to read), then B8: GET /records with one reader, limit=1000, 64 readers
          --only B13    only the declarative rest: sync against the same sync written in C# (one records worker)
          --only B14    the fan-out (B3, B4), then B14: the same fan-out with sync webhooks to a loopback receiver
          --only B15    the proxy and SyncContext.Http against a loopback fake API
          --only B16    B5's ingest, B12, then @nangohq/node's listRecords (needs node and bench/node/node_modules)
        """;

    public static BenchOptions Parse(string[] args)
    {
        var profile = BenchProfile.Quick;
        var database = "both";
        string? postgresUrl = null, repo = null, tributary = null, workDir = null, command = null, only = null;
        bool writeDocs = false, keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick" or "--medium" or "--full":
                    profile = BenchProfile.Named(args[i][2..])!; // the three names exist by construction
                    break;
                case "--profile":
                    var name = Next();
                    profile = BenchProfile.Named(name) ?? throw new ArgumentException($"Unknown profile '{name}'.");
                    break;
                case "--database":
                    database = Next();
                    break;
                case "--postgres-url":
                    postgresUrl = Next();
                    break;
                case "--tributary":
                    tributary = Next();
                    break;
                case "--repo":
                    repo = Next();
                    break;
                case "--work-dir":
                    workDir = Next();
                    break;
                case "--command":
                    command = Next();
                    break;
                case "--write-docs":
                    writeDocs = true;
                    break;
                case "--keep":
                    keep = true;
                    break;
                case "--only":
                    only = Next();
                    if (only != SchedulerOnly && only != IngestOnly && only != DeclarativeOnly && !OtherOnly.Contains(only))
                    {
                        throw new ArgumentException($"--only accepts {SchedulerOnly}, {IngestOnly}, {DeclarativeOnly}, {string.Join(", ", OtherOnly)}; got '{only}'.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        IReadOnlyList<string> databases = database switch
        {
            "sqlite" => ["sqlite"],
            "postgres" => ["postgres"],
            "both" => ["sqlite", "postgres"],
            _ => throw new ArgumentException($"--database must be sqlite, postgres or both; got '{database}'."),
        };
        if (only is not null && writeDocs)
        {
            throw new ArgumentException("--only produces a part of the figures; it cannot write docs/benchmarks.md.");
        }

        var repoRoot = Path.GetFullPath(repo ?? FindRepoRoot());
        var dll = Path.GetFullPath(tributary ?? FindTributary(repoRoot));
        if (!File.Exists(dll))
        {
            throw new ArgumentException($"The server build was not found at {dll}; build bench/Tributary.Bench.Host (the server with the bench functions) or pass --tributary.");
        }

        var work = workDir ?? Path.Combine(Path.GetTempPath(), $"tributary-bench-{Guid.NewGuid():N}"[..32]);
        return new BenchOptions(
            profile,
            databases,
            postgresUrl,
            writeDocs,
            repoRoot,
            dll,
            Path.GetFullPath(work),
            keep,
            command ?? "tributary-bench " + string.Join(' ', args),
            only);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tributary.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException("Run from inside the repository or pass --repo.");
    }

    private static string FindTributary(string repoRoot)
    {
        foreach (var configuration in new[] { "release", "debug" })
        {
            var candidate = Path.Combine(repoRoot, "artifacts", "bin", "Tributary.Bench.Host", configuration, "tributary-bench-host.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(repoRoot, "artifacts", "bin", "Tributary.Bench.Host", "debug", "tributary-bench-host.dll");
    }
}
