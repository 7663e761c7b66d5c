namespace Tributary.Server.Validation;

/// <summary>
/// One zod-style issue as Nango renders it in <c>error.errors</c>: only code, message and a path of strings
/// (array indices included as strings, e.g. <c>["syncs","2"]</c>).
/// </summary>
internal sealed record ValidationIssue(string Code, string Message, IReadOnlyList<string> Path);
