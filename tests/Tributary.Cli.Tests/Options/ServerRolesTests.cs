using Tributary.Server.Hosting;

namespace Tributary.Cli.Tests.Options;

public sealed class ServerRolesTests
{
    [Theory]
    [InlineData("all", ServerRole.All)]
    [InlineData("api", ServerRole.Api)]
    [InlineData("worker", ServerRole.Worker)]
    [InlineData(" Worker ", ServerRole.Worker)]
    public void Parse_AcceptsEachNameIgnoringCaseAndSpace(string name, ServerRole expected)
    {
        Assert.Equal(expected, ServerRoles.Parse(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("workers")]
    [InlineData("1")]
    public void Parse_AnythingElse_FailsNamingTheSettingAndTheChoices(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => ServerRoles.Parse(name));

        Assert.StartsWith("--role: must be all, api, worker; got", error.Message, StringComparison.Ordinal);
        Assert.False(ServerRoles.TryParse(name, out _));
    }

    [Fact]
    public void ToName_RoundTripsEveryRole()
    {
        Assert.All(Enum.GetValues<ServerRole>(), role => Assert.Equal(role, ServerRoles.Parse(role.ToName())));
        Assert.Equal(ServerRoles.Names, Enum.GetValues<ServerRole>().Select(r => r.ToName()));
    }

    [Fact]
    public void Roles_SplitTheApiAndTheEngine()
    {
        Assert.Equal((true, true), (ServerRole.All.ServesApi(), ServerRole.All.RunsEngine()));
        Assert.Equal((true, false), (ServerRole.Api.ServesApi(), ServerRole.Api.RunsEngine()));
        Assert.Equal((false, true), (ServerRole.Worker.ServesApi(), ServerRole.Worker.RunsEngine()));
    }
}
