namespace Tributary.Server.Validation;

/// <summary>
/// A regex check paired with the text zod prints for it (<c>/source/</c>). The matcher must follow JavaScript's
/// semantics: in particular a .NET <c>$</c> would also accept a trailing newline, so ours anchor with <c>\z</c>.
/// </summary>
internal sealed class ZodPattern(string display, Func<string, bool> isMatch)
{
    public string Display { get; } = display;

    public bool IsMatch(string value) => isMatch(value);
}
