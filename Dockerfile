# McVSphere over streamable HTTP, as a non-root container.
#   docker build -t mcvsphere .
#   docker run --env-file .env -p 8080:8080 mcvsphere
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# Published for the image's platform, so that the host is compiled ahead of time (ReadyToRun): it starts faster.
ARG TARGETARCH
RUN case "$TARGETARCH" in arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac \
 && dotnet publish src/McVSphere.Host -c Release -r "$rid" --self-contained false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The image's unprivileged user; the app needs no write access to its own folder.
USER $APP_UID
ENV MCP_TRANSPORT=streamable-http \
    MCP_HOST=0.0.0.0 \
    MCP_PORT=8080 \
    DOTNET_gcServer=0
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["/app/mcvsphere", "--check-health"]
ENTRYPOINT ["/app/mcvsphere"]
