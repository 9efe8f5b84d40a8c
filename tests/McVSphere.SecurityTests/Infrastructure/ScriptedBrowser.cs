using System.Net;
using System.Text.RegularExpressions;

namespace McVSphere.SecurityTests.Infrastructure;

/// <summary>
/// A browser as an OAuth login needs one, without JavaScript: it follows redirects, keeps cookies, and submits the
/// first form of each page (the provider's login form with a login and any password, its consent form), sending the
/// page's origin as a browser does.
/// </summary>
internal sealed partial class ScriptedBrowser : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() });

    /// <summary>Opens <paramref name="url"/> and goes on until a redirect leads where <paramref name="stopAt"/> says; returns that URL, unvisited.</summary>
    public async Task<Uri> RunAsync(Uri url, Func<Uri, bool> stopAt, string login)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        for (var step = 0; step < 20; step++)
        {
            using var response = await _http.SendAsync(request);
            var page = request.RequestUri!;
            request.Dispose();
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                var next = new Uri(page, response.Headers.Location!);
                if (stopAt(next))
                {
                    return next;
                }
                request = new HttpRequestMessage(HttpMethod.Get, next);
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{page} answered {(int)response.StatusCode}: {html}");
            request = Submit(page, html, login);
        }
        throw new InvalidOperationException($"The login did not end within 20 pages, starting at {url}.");
    }

    private static HttpRequestMessage Submit(Uri page, string html, string login)
    {
        var form = FormPattern().Match(html);
        Assert.True(form.Success, $"{page} has no form to submit: {html}");
        var fields = new Dictionary<string, string>();
        foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
        {
            var attributes = AttributePattern().Matches(input.Value).ToDictionary(a => a.Groups["name"].Value, a => WebUtility.HtmlDecode(a.Groups["value"].Value));
            if (!attributes.TryGetValue("name", out var name))
            {
                continue;
            }
            fields[name] = name switch
            {
                "login" => login,
                "password" => "any password",
                _ => attributes.GetValueOrDefault("value", ""),
            };
        }
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(page, WebUtility.HtmlDecode(form.Groups["action"].Value)))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Add("Origin", page.GetLeftPart(UriPartial.Authority));
        return request;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("""<form[^>]*action="(?<action>[^"]*)"[^>]*>(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();

    [GeneratedRegex("(?<name>[a-z-]+)=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex AttributePattern();
}
