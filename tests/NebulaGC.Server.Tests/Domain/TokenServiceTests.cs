using NebulaGC.Server.Configuration;
using NebulaGC.Server.Security;

namespace NebulaGC.Server.Tests.Domain;

public sealed class TokenServiceTests
{
    private static readonly TokenService Tokens = new(HmacSecret.FromString(new string('s', 32)));

    [Fact]
    public void Generated_tokens_are_43_base64url_characters_and_unique()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => TokenService.Generate()).ToList();
        Assert.All(tokens, t => Assert.Matches("^[A-Za-z0-9_-]{43}$", t));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public void A_token_matches_only_its_own_hash_under_the_same_secret()
    {
        var token = TokenService.Generate();
        var hash = Tokens.Hash(token);
        Assert.True(Tokens.Matches(token, hash));
        Assert.False(Tokens.Matches(TokenService.Generate(), hash));
        Assert.False(new TokenService(HmacSecret.FromString(new string('t', 32))).Matches(token, hash));
        Assert.False(Tokens.Matches(token[..40], Tokens.Hash(token[..40])));
        Assert.False(Tokens.Matches(null, hash));
    }

    [Fact]
    public void Fingerprint_is_the_first_8_hex_chars_of_sha256()
    {
        Assert.Equal("2cf24dba", TokenService.Fingerprint("hello"));
        Assert.Equal("none", TokenService.Fingerprint(null));
    }

    [Fact]
    public void Secret_shorter_than_32_bytes_is_refused_with_a_hint()
    {
        var error = Assert.Throws<ConfigurationError>(() => HmacSecret.FromString(new string('s', 31)));
        Assert.Contains("at least 32", error.Message);
    }

    [Fact]
    public void Secret_comes_from_the_file_before_the_variable_and_a_trailing_newline_is_ignored()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, new string('f', 32) + "\n");
            var fromFile = HmacSecret.Load(file, _ => new string('e', 40));
            var reference = new TokenService(HmacSecret.FromString(new string('f', 32)));
            Assert.Equal(reference.Hash("x"), new TokenService(fromFile).Hash("x"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Missing_secret_names_both_variables()
    {
        var error = Assert.Throws<ConfigurationError>(() => HmacSecret.Load(null, _ => null));
        Assert.Contains("NEBULAGC_HMAC_SECRET", error.Message);
        Assert.Contains("NEBULAGC_HMAC_SECRET_FILE", error.Message);
    }
}
