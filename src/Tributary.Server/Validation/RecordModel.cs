namespace Tributary.Server.Validation;

internal static class RecordModel
{
    /// <summary>
    /// Nango's model full name: <c>Model</c> for the base variant (or none), <c>Model::variant</c> otherwise.
    /// The comparison with <c>base</c> is case-sensitive, as in Nango.
    /// </summary>
    public static string FullName(string model, string? variant) =>
        string.IsNullOrEmpty(variant) || variant == SyncIdentifier.BaseVariant ? model : $"{model}::{variant}";
}
