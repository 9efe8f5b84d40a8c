using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using McVSphere.VSphere.Http;
using McVSphere.VSphere.Vim;
using Microsoft.Extensions.Logging;

namespace McVSphere.VSphere.Soap;

/// <summary>
/// Sends one vim25 method call over the shared HTTP pool and reads its response as a stream. Knows nothing of
/// sessions: <c>VSphereSession</c> decides when to log in and retry. Request and response bodies are never logged
/// (they carry passwords and guest credentials).
/// </summary>
internal sealed partial class SoapClient(VSphereHttp http, ILogger logger)
{
    private static readonly MediaTypeHeaderValue XmlContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");

    /// <summary>The SOAPAction names the API version the request is written for; set from the server's once known.</summary>
    public string ApiVersion { get; set; } = "6.5";

    public Task<VimValue?> CallAsync(string method, ManagedObjectReference target, IEnumerable<VimArgument>? arguments, CancellationToken cancellationToken) =>
        CallAsync(method, target, arguments, SoapResponseReader.ReadReturnValueAsync, cancellationToken);

    public async Task<T> CallAsync<T>(
        string method,
        ManagedObjectReference target,
        IEnumerable<VimArgument>? arguments,
        SoapResultReader<T> readResult,
        CancellationToken cancellationToken)
    {
        var body = SoapRequest.Write(method, target, arguments);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(http.RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, http.SdkUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = XmlContentType;
        request.Headers.TryAddWithoutValidation("SOAPAction", $"\"urn:vim25/{ApiVersion}\"");

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.InternalServerError)
                || response.Content.Headers.ContentType?.MediaType?.Contains("xml", StringComparison.OrdinalIgnoreCase) == false)
            {
                throw new VSphereConnectionException(http.SdkUri,
                    $"{http.SdkUri} answered {method} with HTTP {(int)response.StatusCode} {response.ReasonPhrase} and no SOAP response: is it a vSphere SDK endpoint?");
            }
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            // XmlReader has no cancellation: end the response to interrupt a read that outlives the deadline.
            await using var abort = deadline.Token.Register(response.Dispose).ConfigureAwait(false);
            var result = await SoapResponseReader.ReadAsync(stream, readResult).ConfigureAwait(false);
            LogCall(method, target, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return result;
        }
        catch (Exception error) when (error is not VSphereException && !cancellationToken.IsCancellationRequested)
        {
            if (deadline.IsCancellationRequested)
            {
                throw http.TimedOut(method, error);
            }
            var failure = http.DescribeFailure(error, method);
            if (failure is null)
            {
                throw;
            }
            LogConnectionFailure(method, failure.Message);
            throw failure;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} on {Target} took {ElapsedMs:F1} ms")]
    private partial void LogCall(string method, ManagedObjectReference target, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} failed: {Reason}")]
    private partial void LogConnectionFailure(string method, string reason);
}
