using Microsoft.Extensions.Options;

namespace Tributary.Core;

/// <summary>Runs an options validator where the options are composed, so a bad setting stops the start before any work.</summary>
public static class ValidatedOptions
{
    /// <returns><paramref name="options"/>, when valid.</returns>
    /// <exception cref="OptionsValidationException">Every failure, each naming its setting.</exception>
    public static T ThrowIfInvalid<T>(this IValidateOptions<T> validator, T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(validator);
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures ?? [result.FailureMessage]);
        }

        return options;
    }
}
