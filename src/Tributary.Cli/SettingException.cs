namespace Tributary.Cli;

/// <summary>A flag or TRIBUTARY_* variable that cannot be read; the message starts with the setting's name.</summary>
internal sealed class SettingException : Exception
{
    public SettingException(string message)
        : base(message)
    {
    }
}
