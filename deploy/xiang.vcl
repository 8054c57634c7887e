vcl 4.1;
# Varnish in front of xiang replicas: the alternative to deploy/nginx.conf.
# Run: varnishd -a :80 -f /etc/varnish/xiang.vcl -s malloc,1g
# Replicas run `xiang serve -canonical-redirects -shared-cache redis://…`.

import directors;

probe health {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 1s;
    .window = 3;
    .threshold = 2;
}

backend r1 { .host = "127.0.0.1"; .port = "8081"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; }
backend r2 { .host = "127.0.0.1"; .port = "8082"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; }
backend r3 { .host = "127.0.0.1"; .port = "8083"; .probe = health; .connect_timeout = 1s; .first_byte_timeout = 15s; }

sub vcl_init {
    # Consistent hashing on the URL: one tile address, one replica;
    # unhealthy replicas are skipped.
    new tiles = directors.shard();
    tiles.add_backend(r1);
    tiles.add_backend(r2);
    tiles.add_backend(r3);
    tiles.reconfigure();
}

sub vcl_recv {
    set req.backend_hint = tiles.backend(by=URL);
    if (req.url ~ "^/metrics") {
        return (synth(404));
    }
    # Tiles vary by nothing but their URL.
    unset req.http.Cookie;
}

sub vcl_backend_fetch {
    # A retry (below) goes to another healthy replica.
    if (bereq.retries > 0) {
        set bereq.backend = tiles.backend(by=URL, alt=bereq.retries);
    }
}

sub vcl_backend_response {
    if (beresp.status >= 502 && beresp.status <= 504 && bereq.retries < 2) {
        return (retry);
    }
    # Content addresses are immutable: keep them as long as they are used.
    if (bereq.url ~ "^/tiles/k/") {
        set beresp.grace = 7d;
    }
}

sub vcl_backend_error {
    if (bereq.retries < 2) {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
