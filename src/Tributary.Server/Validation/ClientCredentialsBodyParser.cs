using Tributary.Core.Credentials;

namespace Tributary.Server.Validation;

/// <summary>What <c>POST /oauth2/auth/{key}</c> was sent: the end user's own OAuth client, or none (the integration's is used).</summary>
internal sealed record ClientCredentialsBody(OAuthClientCredentials? Client);

/// <summary>
/// The body of <c>POST /oauth2/auth/{key}</c> as <c>@nangohq/frontend</c> sends it: strict <c>{client_id, client_secret}</c>
/// (strings of 1–1024 characters, both or neither); an empty body or <c>{}</c> means "use the integration's client".
/// <c>client_certificate</c>/<c>client_private_key</c> (mutual TLS) are not supported and refused as unknown keys.
/// </summary>
internal static class ClientCredentialsBodyParser
{
    private static readonly string[] Fields = ["client_id", "client_secret"];

    public static ParseResult<ClientCredentialsBody> Parse(JsonElement? body)
    {
        if (body is null)
        {
            return ParseResult<ClientCredentialsBody>.Valid(new ClientCredentialsBody(null));
        }

        if (body is not { ValueKind: JsonValueKind.Object } element)
        {
            return ParseResult<ClientCredentialsBody>.Invalid(
                ApiErrors.InvalidBody([new ValidationIssue(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(body.Value)), [])]));
        }

        var issues = new IssueList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                unknown.Add(property.Name);
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(property.Value)), [property.Name]);
                continue;
            }

            var text = property.Value.GetString()!;
            if (text.Length is 0 or > 1024)
            {
                issues.Add(
                    text.Length == 0 ? ZodCodes.TooSmall : ZodCodes.TooBig,
                    text.Length == 0 ? ZodMessages.StringTooSmall(1) : ZodMessages.StringTooBig(1024),
                    [property.Name]);
                continue;
            }

            values[property.Name] = text;
        }

        if (issues.IsEmpty && unknown.Count == 0 && values.Count == 1)
        {
            var missing = Fields.First(f => !values.ContainsKey(f));
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Undefined), [missing]);
        }

        issues.AddUnrecognizedKeys(unknown, []);
        if (!issues.IsEmpty)
        {
            return ParseResult<ClientCredentialsBody>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<ClientCredentialsBody>.Valid(new ClientCredentialsBody(
            values.Count == 0 ? null : new OAuthClientCredentials(values["client_id"], values["client_secret"], [])));
    }
}
