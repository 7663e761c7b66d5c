using System.Text.Json.Nodes;

namespace Tributary.Core.Connect;

/// <summary>
/// What a connect session tells about the connection it makes, kept on the connection as Nango keeps it: the end user
/// (<c>GET /connections</c>' <c>end_user</c>) and the connection's tags (its <c>tags</c>, and the auth webhooks').
/// </summary>
/// <param name="EndUser">
/// Nango's public end user, <c>{id, display_name, email, tags, organization: {id, display_name} | null}</c>, absent
/// fields null; null when the session named no end user.
/// </param>
/// <param name="Tags">
/// The connection's tags as Nango builds them from a session: <c>end_user_id</c>, <c>end_user_email</c>,
/// <c>end_user_display_name</c>, <c>organization_id</c>, <c>organization_display_name</c> (each only when given), the
/// end user's own tags over those, then the session's <c>tags</c> over all of them; keys lower-cased (Nango compares
/// them case-insensitively), string values only.
/// </param>
public sealed record ConnectionProfile(JsonObject? EndUser, JsonObject Tags)
{
    /// <summary>The profile a session gives its connection; null when it names neither an end user nor tags.</summary>
    public static ConnectionProfile? FromSession(JsonObject? session)
    {
        var endUser = session?["end_user"] as JsonObject;
        var organization = session?["organization"] as JsonObject;
        var sessionTags = session?["tags"] as JsonObject;
        if (endUser is null && sessionTags is null)
        {
            return null;
        }

        var tags = new JsonObject();
        if (endUser is not null)
        {
            SetIfText(tags, "end_user_id", endUser["id"]);
            SetIfText(tags, "end_user_email", endUser["email"]);
            SetIfText(tags, "end_user_display_name", endUser["display_name"]);
        }

        if (organization is not null)
        {
            SetIfText(tags, "organization_id", organization["id"]);
            SetIfText(tags, "organization_display_name", organization["display_name"]);
        }

        MergeLowerCased(tags, endUser?["tags"] as JsonObject);
        MergeLowerCased(tags, sessionTags);
        return new ConnectionProfile(endUser is null ? null : PublicEndUser(endUser, organization), tags);
    }

    /// <summary>A connection's stored tags; null for none.</summary>
    public static JsonObject? ParseTags(string? json) => json is null ? null : JsonNode.Parse(json) as JsonObject;

    /// <summary>
    /// The end user <c>PATCH /connections/{id}</c> gives a connection: Nango's upsert of the end user from the body,
    /// which has no organization, so the end user has none afterwards (Nango writes its organization id null).
    /// </summary>
    public static JsonObject PatchedEndUser(JsonObject endUser) => PublicEndUser(endUser, null);

    /// <summary>
    /// A stored end user (<see cref="EndUser"/>'s shape) as a session's <c>end_user</c> and <c>organization</c>
    /// fields, for the webhooks that read a session; null when the connection has none.
    /// </summary>
    public static JsonObject? AsSessionFields(string? endUserJson)
    {
        if (endUserJson is null || JsonNode.Parse(endUserJson) is not JsonObject stored)
        {
            return null;
        }

        var fields = new JsonObject
        {
            ["end_user"] = new JsonObject
            {
                ["id"] = stored["id"]?.DeepClone(),
                ["email"] = stored["email"]?.DeepClone(),
                ["display_name"] = stored["display_name"]?.DeepClone(),
                ["tags"] = stored["tags"]?.DeepClone(),
            },
        };
        if (stored["organization"] is JsonObject organization)
        {
            fields["organization"] = organization.DeepClone();
        }

        return fields;
    }

    /// <summary>Tags as Nango stores them: keys lower-cased.</summary>
    public static JsonObject LowerCased(JsonObject tags)
    {
        var lowered = new JsonObject();
        MergeLowerCased(lowered, tags);
        return lowered;
    }

    /// <summary>Nango's <c>ApiEndUser</c>: every field present, null when the session did not give it.</summary>
    private static JsonObject PublicEndUser(JsonObject endUser, JsonObject? organization) => new()
    {
        ["id"] = endUser["id"]?.DeepClone(),
        ["display_name"] = endUser["display_name"]?.DeepClone(),
        ["email"] = endUser["email"]?.DeepClone(),
        ["tags"] = endUser["tags"]?.DeepClone(),
        ["organization"] = organization is null
            ? null
            : new JsonObject { ["id"] = organization["id"]?.DeepClone(), ["display_name"] = organization["display_name"]?.DeepClone() },
    };

    private static void SetIfText(JsonObject tags, string key, JsonNode? value)
    {
        if (value is JsonValue text && text.TryGetValue<string>(out var s) && s.Length > 0)
        {
            tags[key] = s;
        }
    }

    private static void MergeLowerCased(JsonObject tags, JsonObject? source)
    {
        if (source is null)
        {
            return;
        }

        foreach (var (key, value) in source)
        {
            if (value is JsonValue text && text.TryGetValue<string>(out var s))
            {
                tags[key.ToLowerInvariant()] = s;
            }
        }
    }
}
