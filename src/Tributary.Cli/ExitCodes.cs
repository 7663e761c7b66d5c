namespace Tributary.Cli;

/// <summary>The CLI's documented exit codes.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int ApiError = 3;
}
