namespace Tributary.Cli.Verbs;

/// <summary><c>tributary integrations</c>: the environment's integrations.</summary>
internal static class IntegrationsCommand
{
    public static Command Create()
    {
        var command = RemoteOptions.AddTo(new Command("integrations", "List integrations (GET /integrations)."), out var remote);
        RemoteVerb.SetAction(command, remote, async (call, cancellationToken) =>
        {
            var integrations = await call.Client.Integrations.ListAsync(cancellationToken);
            if (call.Json)
            {
                await call.Output.WriteLineAsync(JsonOutput.Write(new IntegrationListResponse(integrations), c => c.IntegrationListResponse));
                return ExitCodes.Ok;
            }

            var table = Terminal.Table("integration", "display name", "provider", "created", "updated");
            foreach (var integration in integrations)
            {
                table.Row(integration.UniqueKey, integration.DisplayName, integration.Provider, integration.CreatedAt, integration.UpdatedAt);
            }

            call.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
