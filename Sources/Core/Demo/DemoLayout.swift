import Foundation

/// The demo's directory tree: `store.yaml`, `confd/conf.d/nginx.toml`, `confd/templates/nginx.conf.tmpl`, `nginx/`.
/// Generated files are rewritten on every run, so a second run reuses the directory cleanly.
package struct DemoLayout: Sendable, Hashable {
    package var directory: String
    package var port: Int
    package var nginxBinary: String

    package init(directory: String, port: Int, nginxBinary: String) {
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.port = port
        self.nginxBinary = nginxBinary
    }

    package var storePath: String { directory + "/store.yaml" }
    package var confdir: String { directory + "/confd" }
    package var resourcePath: String { confdir + "/conf.d/nginx.toml" }
    package var templatePath: String { confdir + "/templates/nginx.conf.tmpl" }
    package var nginxPrefix: String { directory + "/nginx" }
    package var nginxConfig: String { nginxPrefix + "/nginx.conf" }
    package var pidPath: String { nginxPrefix + "/nginx.pid" }
    package var storeURL: String { "file:" + storePath }

    /// The article's nginx.conf template, made self-contained under the private prefix.
    package var template: String {
        let n = nginxPrefix
        let temps = NginxInstance.tempNames.map { "    \($0)_temp_path \(n)/temp/\($0);" }.joined(separator: "\n")
        return """
            # The article's nginx.conf, adapted by `switchboard demo` to run unprivileged-style under \(n):
            # no `user`, and pid, logs and temp dirs inside the prefix. Rewritten on every demo start.
            # Settings for rolling deploys (see the README, "nginx for rolling deploys").
            worker_processes  1;
            pid        \(n)/nginx.pid;
            error_log  \(n)/logs/error.log warn;
            # An old worker still holding a long-lived connection after a reload exits after this, so frequent
            # reloads cannot pile old workers up.
            worker_shutdown_timeout  10s;

            events {
                worker_connections  1024;
            }

            http {
                access_log  off;
                default_type  text/plain;
            \(temps)
            {{$backends := getvs "/test/*"}}
                upstream backend {
                    {{range $backends}}
                        server {{.}};
                    {{else}}
                        # No backend is registered: a placeholder that is never used keeps `nginx -t` happy.
                        server 127.0.0.1:1 down;
                    {{end}}
                    keepalive 32;
                }

                server {
                    listen 127.0.0.1:\(port);
                    location / {
                    {{if $backends}}
                        proxy_pass http://backend;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_next_upstream error timeout http_502 http_503;
                        add_header  X-Handler  $upstream_addr always;
                    {{else}}
                        return 503 "no backend is registered\\n";
                    {{end}}
                    }
                }
            }

            """
    }

    /// The confd resource: the host:port guard, `nginx -t` on the stage file, a HUP to the supervised master.
    package var resource: String {
        let nginx = NginxInstance(prefix: nginxPrefix, configPath: nginxConfig, binary: nginxBinary)
        func quoted(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return """
            [template]
            src = "nginx.conf.tmpl"
            dest = \(quoted(nginxConfig))
            keys = [
              "/test",
            ]
            values = "host:port"
            check_cmd = \(quoted(nginx.checkCommand()))
            reload_cmd = \(quoted(nginx.reloadCommand))

            """
    }

    /// Writes the generated files (not the store).
    package func write() throws {
        let fm = FileManager.default
        let temps = NginxInstance.tempNames.map { nginxPrefix + "/temp/" + $0 }
        for dir in [confdir + "/conf.d", confdir + "/templates", nginxPrefix + "/logs"] + temps {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try template.write(toFile: templatePath, atomically: true, encoding: .utf8)
        try resource.write(toFile: resourcePath, atomically: true, encoding: .utf8)
        if !fm.fileExists(atPath: storePath) {
            try "# The demo's file store; `switchboard register` and the console write here.\n{}\n".write(
                toFile: storePath, atomically: true, encoding: .utf8)
        }
    }
}
