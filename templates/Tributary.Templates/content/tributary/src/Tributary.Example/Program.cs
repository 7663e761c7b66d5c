using Tributary.Example;
using Tributary.Hosting;

// This program is your Tributary: every verb of the `tributary` command (serve, deploy, migrate, keys, trigger,
// status, records) and its roles, with your functions registered. Add a line per function.
return await TributaryHost.RunAsync(args, services => services.AddSyncFunction<ContactsSync>());
