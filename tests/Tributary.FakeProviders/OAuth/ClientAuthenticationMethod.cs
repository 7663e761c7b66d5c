namespace Tributary.FakeProviders;

/// <summary>Where the token endpoint requires the client id and secret.</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>In the body or in an HTTP Basic header; when both are sent, both must be right.</summary>
    Any,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body (RFC 6749 §2.3.1 <c>client_secret_post</c>).</summary>
    Body,

    /// <summary><c>Authorization: Basic base64(id:secret)</c> (<c>client_secret_basic</c>).</summary>
    Basic,
}
