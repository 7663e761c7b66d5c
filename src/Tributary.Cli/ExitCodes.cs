namespace Tributary.Cli;

/// <summary>The CLI's documented exit codes (README, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something failed that is not the input's fault: the server cannot be reached, a command broke.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: an unknown option, a missing key, an invalid setting. Nothing was changed.</summary>
    public const int BadInput = 2;

    /// <summary>The server answered with an error (its Nango code is on stderr).</summary>
    public const int ApiError = 3;

    /// <summary><c>trigger --wait</c>: a run failed or was cancelled.</summary>
    public const int RunFailed = 4;

    /// <summary><c>trigger --wait</c>: the runs did not end within <c>--timeout</c> (they go on).</summary>
    public const int WaitTimedOut = 5;
}
