using Tributary.Hosting;

// The stock binary is the hosting library with only the built-in functions (and those tributary.yaml's
// `functions:` names): a user's own host is the same program with their registrations.
return await TributaryHost.RunAsync(args);
