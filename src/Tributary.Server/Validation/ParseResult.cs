using System.Diagnostics.CodeAnalysis;

namespace Tributary.Server.Validation;

/// <summary>Either the typed request or the error to answer with; never both.</summary>
internal sealed class ParseResult<T>
    where T : class
{
    private ParseResult(T? value, ApiError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ApiError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    public static ParseResult<T> Valid(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new ParseResult<T>(value, null);
    }

    public static ParseResult<T> Invalid(ApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ParseResult<T>(null, error);
    }
}
