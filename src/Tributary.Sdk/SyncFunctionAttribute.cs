namespace Tributary.Sdk;

/// <summary>
/// Names a sync function so that configuration can refer to it (<c>function: my-crm-contacts</c>).
/// Types without the attribute are registered under a name given at registration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SyncFunctionAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The name configuration uses for the function.</param>
    public SyncFunctionAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The name configuration uses for the function.</summary>
    public string Name { get; }

    /// <summary>
    /// The models the function saves, e.g. <c>Models = ["Contact"]</c>. When set, <c>deploy</c> refuses a sync config
    /// that lists a model outside them (naming the sync and the function's file); empty means "any model".
    /// </summary>
    public string[] Models { get; init; } = [];
}
