namespace Tributary.Server.Validation;

/// <summary>
/// The checks of <c>z.coerce.number().min(min).max(max)</c>, plus an integer check that Nango lacks (a
/// fractional page size would reach the database as such).
/// </summary>
internal sealed record NumberRule(int Minimum, int Maximum)
{
    public static NumberRule Limit { get; } = new(1, 10_000);

    /// <returns>The integer when every check passed; otherwise <c>null</c> and the issues were added.</returns>
    public int? Check(double value, IReadOnlyList<string> path, IssueList issues)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("number", double.IsNaN(value) ? "NaN" : "Infinity"), path);
            return null;
        }

        // zod's int() aborts the checks that follow it, so a fraction reports only this issue.
        if (Math.Floor(value) != value)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("int", "number"), path);
            return null;
        }

        if (value < Minimum)
        {
            issues.Add(ZodCodes.TooSmall, ZodMessages.NumberTooSmall(Minimum), path);
            return null;
        }

        if (value > Maximum)
        {
            issues.Add(ZodCodes.TooBig, ZodMessages.NumberTooBig(Maximum), path);
            return null;
        }

        return (int)value;
    }
}
