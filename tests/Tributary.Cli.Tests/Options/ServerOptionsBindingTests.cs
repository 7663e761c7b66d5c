using System.CommandLine;
using Tributary.Core.Records;

namespace Tributary.Cli.Tests.Options;

/// <summary>The one place the CLI reads flags and TRIBUTARY_* variables (with a dictionary standing in for the environment).</summary>
public sealed class ServerOptionsBindingTests
{
    [Fact]
    public void Read_TakesEveryVariable_AndAnEmptyOneCountsAsUnset()
    {
        var (binding, result) = Parse(
            new()
            {
                ["TRIBUTARY_DATA_DIR"] = "/srv/tributary",
                ["TRIBUTARY_DATABASE_URL"] = string.Empty,
                ["TRIBUTARY_CONFIG"] = "/etc/tributary.yaml",
                ["TRIBUTARY_SECRET_KEY"] = "dev-key",
                ["TRIBUTARY_ENCRYPTION_KEY"] = "credentials-key",
                ["TRIBUTARY_RECORDS_ENCRYPTION_KEY"] = "records-key",
                ["TRIBUTARY_RECORDS_RETENTION_DAYS"] = " 30 ",
            });

        var options = binding.Read(result);

        Assert.Equal("/srv/tributary", options.DataDir);
        Assert.Null(options.DatabaseUrl);
        Assert.Equal("/etc/tributary.yaml", options.ConfigPath);
        Assert.Equal(("dev-key", "credentials-key", "records-key"), (options.SecretKey, options.EncryptionKey, options.RecordsEncryptionKey));
        Assert.Equal(TimeSpan.FromDays(30), options.RecordsRetention.PruneAfter);
    }

    [Fact]
    public void Read_AFlagWinsOverItsVariable_AndDefaultsFillTheRest()
    {
        var (binding, result) = Parse(new() { ["TRIBUTARY_DATA_DIR"] = "/from/variable", ["TRIBUTARY_DATABASE_URL"] = "Host=db" }, "--data-dir", "/from/flag", "--database", "");

        var options = binding.Read(result);

        Assert.Equal("/from/flag", options.DataDir);
        Assert.Equal(string.Empty, options.DatabaseUrl);
        Assert.Equal("tributary.yaml", options.ConfigPath);
        Assert.Same(RecordsRetentionOptions.Off, options.RecordsRetention);
    }

    [Fact]
    public void Read_RetentionDaysNotANumber_FailsNamingTheVariable()
    {
        var (binding, result) = Parse(new() { ["TRIBUTARY_RECORDS_RETENTION_DAYS"] = "a week" });

        var error = Assert.Throws<SettingException>(() => binding.Read(result));

        Assert.Equal("TRIBUTARY_RECORDS_RETENTION_DAYS: must be a whole number of days (0 or unset turns retention off); got 'a week'.", error.Message);
    }

    [Fact]
    public void Read_WebhookRetentionDays_ZeroKeepsFinishedDeliveriesForEver_UnsetIsThirtyDays_ANonNumberNamesTheVariable()
    {
        var (bindingWeek, week) = Parse(new() { ["TRIBUTARY_WEBHOOK_RETENTION_DAYS"] = " 7 " });
        var (bindingZero, zero) = Parse(new() { ["TRIBUTARY_WEBHOOK_RETENTION_DAYS"] = "0" });
        var (bindingUnset, unset) = Parse(new() { ["TRIBUTARY_WEBHOOK_RETENTION_DAYS"] = string.Empty });
        var (bindingBad, bad) = Parse(new() { ["TRIBUTARY_WEBHOOK_RETENTION_DAYS"] = "a month" });

        Assert.Equal(TimeSpan.FromDays(7), bindingWeek.Read(week).Webhooks.KeepFor);
        Assert.Null(bindingZero.Read(zero).Webhooks.KeepFor);
        Assert.Equal(TimeSpan.FromDays(30), bindingUnset.Read(unset).Webhooks.KeepFor);
        var error = Assert.Throws<SettingException>(() => bindingBad.Read(bad));
        Assert.Equal("TRIBUTARY_WEBHOOK_RETENTION_DAYS: must be a whole number of days (0 keeps finished deliveries for ever); got 'a month'.", error.Message);
    }

    [Fact]
    public void Int_VariableNotANumber_FailsNamingTheVariable_AndTheFlagWins()
    {
        var port = new Option<int?>("--port");
        var (binding, result) = Parse(new() { ["TRIBUTARY_PORT"] = "eighty" }, port);
        var (flagged, withFlag) = Parse(new() { ["TRIBUTARY_PORT"] = "eighty" }, port, "--port", "8080");
        var (unset, withNothing) = Parse(new(), port);

        var error = Assert.Throws<SettingException>(() => binding.Int(result, port, "TRIBUTARY_PORT", 3003));

        Assert.Equal("TRIBUTARY_PORT: must be a whole number; got 'eighty'.", error.Message);
        Assert.Equal(8080, flagged.Int(withFlag, port, "TRIBUTARY_PORT", 3003));
        Assert.Equal(3003, unset.Int(withNothing, port, "TRIBUTARY_PORT", 3003));
    }

    private static (ServerOptionsBinding Binding, ParseResult Result) Parse(Dictionary<string, string> environment, params string[] args) =>
        Parse(environment, null, args);

    private static (ServerOptionsBinding Binding, ParseResult Result) Parse(Dictionary<string, string> environment, Option<int?>? extra, params string[] args)
    {
        var binding = new ServerOptionsBinding(name => environment.GetValueOrDefault(name));
        var command = new RootCommand();
        binding.AddTo(command);
        if (extra is not null)
        {
            command.Options.Add(extra);
        }

        var result = command.Parse(args);
        Assert.Empty(result.Errors);
        return (binding, result);
    }
}
