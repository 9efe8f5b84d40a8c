using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace McVSphere.VSphere.Tests.Simulator;

/// <summary>
/// A bulk read that stops between pages gives its retrieval back (CancelRetrievePropertiesEx), so that vCenter does
/// not hold the rest of the result for the session. The simulator pages by 100 objects.
/// </summary>
public sealed partial class PagingCancellationTests(LargeInventorySimulator fixture) : IClassFixture<LargeInventorySimulator>
{
    [Fact]
    public async Task A_read_cancelled_between_pages_cancels_its_retrieval()
    {
        using var cancellation = new CancellationTokenSource();
        var sockets = new SocketsHttpHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        var interceptor = new CancelOnContinue(cancellation) { InnerHandler = sockets };
        await using (var client = new VSphereClient(TestClients.Options(fixture.Simulator), null, interceptor))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                client.Properties.RetrieveAsync("VirtualMachine", ["name"], cancellationToken: cancellation.Token));

            // The token of the first page was live (the continue never left), and the client cancelled it.
            var token = Assert.Single(interceptor.CancelledTokens);
            Assert.Equal(HttpStatusCode.OK, interceptor.CancelStatus);
            Assert.Equal(interceptor.FirstToken, token);

            // The server no longer knows it, for the same session.
            using var sameSession = new HttpClient(sockets, disposeHandler: false);
            using var content = new StringContent(SoapEnvelope(
                $"""<ContinueRetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this><token>{token}</token></ContinueRetrievePropertiesEx>"""),
                Encoding.UTF8, "text/xml");
            using var response = await sameSession.PostAsync(fixture.Simulator.Url, content);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("InvalidArgument", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private static string SoapEnvelope(string body) =>
        $"""<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>""";

    [GeneratedRegex("<token>([^<]+)</token>")]
    private static partial Regex TokenElement();

    /// <summary>Lets the first page through, then cancels the read instead of sending its first ContinueRetrievePropertiesEx.</summary>
    private sealed class CancelOnContinue(CancellationTokenSource cancellation) : DelegatingHandler
    {
        public string? FirstToken { get; private set; }

        public List<string> CancelledTokens { get; } = [];

        public HttpStatusCode? CancelStatus { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains("<ContinueRetrievePropertiesEx", StringComparison.Ordinal))
            {
                await cancellation.CancelAsync();
                throw new OperationCanceledException(cancellation.Token);
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (body.Contains("<RetrievePropertiesEx", StringComparison.Ordinal) && FirstToken is null)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                FirstToken = TokenElement().Match(text).Groups[1].Value;
                response.Content = new StringContent(text, Encoding.UTF8, "text/xml");
            }
            if (body.Contains("<CancelRetrievePropertiesEx", StringComparison.Ordinal))
            {
                CancelledTokens.Add(TokenElement().Match(body).Groups[1].Value);
                CancelStatus = response.StatusCode;
            }
            return response;
        }
    }
}
