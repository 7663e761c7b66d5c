using Tributary.Testing;

namespace Tributary.Authoring.Tests;

/// <summary>
/// A function assembly built outside the repository, as an operator of the stock binary builds one: a class library
/// that references the Tributary.Sdk the binary ships, with a dependency of its own (another library) next to it.
/// Built once for the test class.
/// </summary>
public sealed class OutsideFunctions : IAsyncLifetime
{
    private const string SyncsProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <Reference Include="Tributary.Sdk"><HintPath>SDK_PATH</HintPath><Private>false</Private></Reference>
            <ProjectReference Include="../Outside.Squares/Outside.Squares.csproj" />
          </ItemGroup>
        </Project>
        """;

    private const string SyncsSource = """
        using System.Text.Json.Nodes;
        using Tributary.Sdk;

        namespace Outside.Syncs;

        [SyncFunction("numbers", Models = ["Number"])]
        public sealed class NumbersSync : ISyncFunction
        {
            public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
            {
                var count = context.Metadata["count"]?.GetValue<int>() ?? 10;
                var records = Enumerable.Range(1, count)
                    .Select(n => new JsonObject { ["id"] = n, ["square"] = Outside.Squares.Square.Of(n) })
                    .ToList();
                await context.BatchSaveAsync(records, "Number", cancellationToken);
            }
        }
        """;

    private const string SquaresProject = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
          </PropertyGroup>
        </Project>
        """;

    private const string SquaresSource = """
        namespace Outside.Squares;

        public static class Square
        {
            public static int Of(int n) => n * n;
        }
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("tributary-outside-functions-").FullName;

    /// <summary>The built function assembly (its dependency and deps.json beside it).</summary>
    public string AssemblyPath => Path.Combine(_root, "Outside.Syncs", "bin", "Debug", "net10.0", "Outside.Syncs.dll");

    public async ValueTask InitializeAsync()
    {
        var sdk = Path.Combine(Path.GetDirectoryName(ServerProcess.CliPath)!, "Tributary.Sdk.dll");
        Write("Outside.Squares/Outside.Squares.csproj", SquaresProject);
        Write("Outside.Squares/Square.cs", SquaresSource);
        Write("Outside.Syncs/Outside.Syncs.csproj", SyncsProject.Replace("SDK_PATH", sdk, StringComparison.Ordinal));
        Write("Outside.Syncs/NumbersSync.cs", SyncsSource);
        await Dotnet.RunAsync(Path.Combine(_root, "Outside.Syncs"), TimeSpan.FromMinutes(4), TestContext.Current.CancellationToken, "build");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return ValueTask.CompletedTask;
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
