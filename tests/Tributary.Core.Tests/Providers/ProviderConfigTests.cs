using Tributary.Core.Configuration;
using Tributary.Core.Providers;

namespace Tributary.Core.Tests.Providers;

public class ProviderConfigTests
{
    private const string Source = "tributary.yaml";

    [Fact]
    public void BuiltInCatalogue_EveryProviderParses_AndHoldsTheCommonOnes()
    {
        var builtIn = ProviderCatalogue.BuiltIn;

        Assert.True(builtIn.Count >= 15, $"only {builtIn.Count} built-in providers");
        foreach (var name in new[] { "github", "gitlab", "google", "microsoft", "salesforce", "hubspot", "slack", "notion", "linear", "jira", "zendesk", "intercom", "shopify", "asana", "stripe" })
        {
            Assert.True(builtIn.ContainsKey(name), $"{name} is not in the catalogue");
        }

        Assert.All(builtIn.Values.Where(p => p.AuthMode == AuthMode.OAuth2), p => Assert.NotNull(p.TokenUrl));
    }

    [Fact]
    public void BuiltInCatalogue_ReadsNangoFields()
    {
        var github = ProviderCatalogue.BuiltIn["github"];
        var notion = ProviderCatalogue.BuiltIn["notion"];
        var zendesk = ProviderCatalogue.BuiltIn["zendesk"];

        Assert.Equal("https://api.github.com", github.Proxy.BaseUrl);
        Assert.Equal(["x-ratelimit-reset"], github.Proxy.Retry!.At);
        Assert.Equal("link", github.Proxy.Paginate!.Type);
        Assert.Equal("per_page", github.Proxy.Paginate.Settings["limit_name_in_request"]);
        Assert.Equal(TokenRequestAuth.Basic, notion.TokenRequestAuthMethod);
        Assert.True(notion.DisablePkce);
        Assert.Equal("2022-06-28", notion.Proxy.Headers["notion-version"]);
        Assert.Equal(",", ProviderCatalogue.BuiltIn["slack"].ScopeSeparator);
        Assert.Equal("https://${connectionConfig.subdomain}.zendesk.com", zendesk.Proxy.BaseUrl);
        Assert.Contains("subdomain", zendesk.ConnectionConfig.Keys);
    }

    [Fact]
    public void ConfigProvider_OverridesTheBuiltInOfTheSameName()
    {
        var config = ConfigLoader.Parse("""
            providers:
              github:
                auth_mode: OAUTH2
                authorization_url: http://127.0.0.1:1/authorize
                token_url: http://127.0.0.1:1/token
                token_expiration_buffer: 60
                proxy:
                  base_url: http://127.0.0.1:1/github
            integrations:
              gh:
                provider: github
            """, Source);
        var catalogue = new ProviderCatalogue();

        catalogue.Use(config.Providers);

        Assert.Equal("http://127.0.0.1:1/token", catalogue.Find("github")!.TokenUrl);
        Assert.Equal(TimeSpan.FromSeconds(60), catalogue.Find("github")!.ExpirationBuffer);
        Assert.Equal("https://api.hubapi.com", catalogue.Find("hubspot")!.Proxy.BaseUrl);
    }

    [Theory]
    [InlineData("auth_mode: OAUTH3", 3, "providers.bad.auth_mode", "'OAUTH3' is not a supported auth mode")]
    [InlineData("auth_mode: OAUTH2\n    token_url: http://x/token", 2, "providers.bad.authorization_url", "is required for auth_mode OAUTH2")]
    [InlineData("auth_mode: API_KEY\n    proxy:\n      base_url: https://api.example.com", 2, "providers.bad.proxy", "an API_KEY provider must place ${apiKey}")]
    [InlineData("auth_mode: BASIC\n    token_request_auth_method: private_key_jwt", 4, "providers.bad.token_request_auth_method", "'private_key_jwt' is not supported")]
    [InlineData("auth_mode: BASIC\n    proxy:\n      base_url: ftp://example.com", 5, "providers.bad.proxy.base_url", "is not an absolute http or https URL")]
    [InlineData("auth_mode: BASIC\n    authorization_url_fragment: x", 4, "providers.bad.authorization_url_fragment", "unknown key")]
    [InlineData("auth_mode: BASIC\n    proxy:\n      paginate:\n        type: pages", 6, "providers.bad.proxy.paginate.type", "must be one of")]
    public void BadProvider_IsReportedWithFileLineAndPath(string body, int line, string path, string message)
    {
        var yaml = $"providers:\n  bad:\n    {body}\n";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((Source, line, path), (error.Source, error.Line, error.Path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AProviderName_FollowsNangosProviderPattern()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("providers:\n  acme.crm:\n    auth_mode: NONE\n", Source));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((2, "providers['acme.crm']"), (error.Line, error.Path));
        Assert.Contains("provider name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NangoTemplate_WithDescriptiveFields_IsAccepted()
    {
        var config = ConfigLoader.Parse("""
            providers:
              acme:
                display_name: Acme
                categories: [crm]
                docs: https://docs.example.com/acme
                auth_mode: API_KEY
                credentials:
                  apiKey:
                    type: string
                    title: API key
                proxy:
                  base_url: https://${connectionConfig.region}.acme.example.com || https://api.acme.example.com
                  query:
                    api_key: ${apiKey}
            """, Source);

        var acme = Assert.Single(config.Providers);
        Assert.Equal("${apiKey}", acme.Proxy.Query["api_key"]);
    }

    [Fact]
    public void Template_KeepsEveryFieldAsWritten_WithYamlCoreTypes_ForGetProviders()
    {
        var config = ConfigLoader.Parse("""
            providers:
              acme:
                display_name: Acme
                categories: [crm, "support"]
                auth_mode: OAUTH2
                authorization_url: https://acme.example.com/authorize
                token_url: https://acme.example.com/token
                disable_pkce: true
                token_expiration_buffer: 300
                scope_separator: ','
                default_scopes: ['1', 2.5]
                connection_config:
                  region:
                    type: string
                    optional: false
                    example: null
            """, Source);

        var template = Assert.Single(config.Providers).Template;

        Assert.Equal(
            """{"display_name":"Acme","categories":["crm","support"],"auth_mode":"OAUTH2","authorization_url":"https://acme.example.com/authorize","token_url":"https://acme.example.com/token","disable_pkce":true,"token_expiration_buffer":300,"scope_separator":",","default_scopes":["1",2.5],"connection_config":{"region":{"type":"string","optional":false,"example":null}}}""",
            template.ToJsonString());
    }

    [Fact]
    public void Integration_OAuthClient_ReadsIdSecretReferenceAndScopes()
    {
        var config = ConfigLoader.Parse("""
            integrations:
              gh:
                provider: github
                client_id: my-app
                client_secret_env: GITHUB_CLIENT_SECRET
                scopes: [repo, read:org]
            """, Source);

        var client = Assert.Single(config.Integrations).OAuthClient!;
        Assert.Equal("my-app", client.ClientId);
        Assert.Equal("GITHUB_CLIENT_SECRET", client.Secret!.EnvironmentVariable);
        Assert.Equal(5, client.Secret.Line);
        Assert.Equal(["repo", "read:org"], client.Scopes);
    }

    [Theory]
    [InlineData("client_secret_env: X\n    client_secret_file: /x", 5, "integrations.gh.client_secret_file", "not both")]
    [InlineData("client_secret: plain", 4, "integrations.gh.client_secret", "unknown key")]
    [InlineData("scopes: [a]", 4, "integrations.gh.scopes", "needs client_id")]
    public void Integration_BadOAuthClient_IsReported(string body, int line, string path, string message)
    {
        var yaml = $"integrations:\n  gh:\n    provider: github\n    {(body.StartsWith("client_secret_env", StringComparison.Ordinal) ? "client_id: a\n    " : "")}{body}\n";

        var error = Assert.Single(Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source)).Errors);

        Assert.Equal((line + (body.StartsWith("client_secret_env", StringComparison.Ordinal) ? 1 : 0), path), (error.Line, error.Path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
