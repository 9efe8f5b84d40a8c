namespace McVSphere.Host.Hosting;

/// <summary><c>mcvsphere --check-health</c>: the container health check, so the image needs no curl.</summary>
public static class HealthCheck
{
    public static async Task<int> RunAsync(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz");
            Console.WriteLine($"/healthz: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.Error.WriteLine($"mcvsphere: no answer on port {port}: {ex.Message}");
            return 1;
        }
    }
}
