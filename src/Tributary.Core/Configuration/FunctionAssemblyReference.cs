namespace Tributary.Core.Configuration;

/// <summary>One entry of <c>functions:</c> in <c>tributary.yaml</c>: an assembly of sync functions to load.</summary>
/// <param name="Written">The path as written in the file.</param>
/// <param name="FullPath">The absolute path (relative paths resolved against the file's folder).</param>
/// <param name="Line">The entry's line, for errors.</param>
/// <param name="ConfigPath">The entry's field path, e.g. <c>functions[0]</c>.</param>
public sealed record FunctionAssemblyReference(string Written, string FullPath, int Line, string ConfigPath);
