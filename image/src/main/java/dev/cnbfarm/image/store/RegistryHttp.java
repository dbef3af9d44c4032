package dev.cnbfarm.image.store;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import com.google.api.client.util.SslUtils;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.config.SocketConfig;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.HttpEntityWrapper;
import org.apache.http.impl.NoConnectionReuseStrategy;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.protocol.HttpContext;
import org.apache.http.protocol.HttpCoreContext;

/**
 * The HTTP under Jib's {@link FailoverHttpClient}, built so that every bound is ours: our connect
 * and read timeouts on every request and TLS handshake (Jib's own 20 s would override them), no
 * retries below us (Jib's public constructor installs google-http-client's exponential IOException
 * retry, about 10 hidden retries per request, and its package-private constructor is the only way
 * to turn that off; Apache's own retries are off already), a fresh connection per request (Jib's
 * assumption), sockets registered with the {@link OperationDeadline}, the manifest body capped and
 * its {@code Docker-Content-Digest} kept. Thread-safe.
 */
final class RegistryHttp {
  /** The OCI distribution spec's suggested manifest limit; registries may refuse larger ones. */
  static final long MAX_MANIFEST_BYTES = 4L << 20;

  private static final Constructor<FailoverHttpClient> NO_RETRY_CONSTRUCTOR = noRetryConstructor();

  private final int connectMillis;
  private final int readMillis;

  RegistryHttp(RegistrySettings settings) {
    this.connectMillis = Math.toIntExact(Math.max(1, settings.connectTimeout().toMillis()));
    this.readMillis = Math.toIntExact(Math.max(1, settings.readTimeout().toMillis()));
  }

  /** A Jib client for verified HTTPS only, or (insecure) also unverified HTTPS and plain HTTP. */
  FailoverHttpClient client(boolean insecure) {
    HttpTransport verified = transport(true);
    HttpTransport unverified = insecure ? transport(false) : verified;
    Consumer<LogEvent> ignore = e -> {};
    Supplier<HttpTransport> secure = () -> verified;
    Supplier<HttpTransport> trustAll = () -> unverified;
    try {
      return NO_RETRY_CONSTRUCTOR.newInstance(insecure, false, ignore, secure, trustAll, false);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build Jib's HTTP client without its retries", e);
    }
  }

  private HttpTransport transport(boolean verifyTls) {
    SSLConnectionSocketFactory tls;
    try {
      tls = verifyTls ? SSLConnectionSocketFactory.getSystemSocketFactory()
          : new SSLConnectionSocketFactory(SslUtils.trustAllSSLContext(), NoopHostnameVerifier.INSTANCE);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no TLS", e);
    }
    PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
        RegistryBuilder.<ConnectionSocketFactory>create()
            .register("http", new Tracked(PlainConnectionSocketFactory.getSocketFactory()))
            .register("https", new Tracked(tls)).build());
    connections.setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(readMillis).build());
    connections.setMaxTotal(200);
    connections.setDefaultMaxPerRoute(20);
    return new ApacheHttpTransport(ApacheHttpTransport.newDefaultHttpClientBuilder()
        .setConnectionManager(connections)
        .setConnectionReuseStrategy(NoConnectionReuseStrategy.INSTANCE)
        .addInterceptorLast(this::ourTimeouts)
        .addInterceptorLast(RegistryHttp::manifestResponse)
        .build());
  }

  private void ourTimeouts(HttpRequest request, HttpContext context) {
    HttpClientContext c = HttpClientContext.adapt(context);
    c.setRequestConfig(RequestConfig.copy(c.getRequestConfig()).setConnectTimeout(connectMillis)
        .setSocketTimeout(readMillis).setConnectionRequestTimeout(connectMillis).build());
  }

  private static void manifestResponse(HttpResponse response, HttpContext context) {
    HttpRequest request = HttpCoreContext.adapt(context).getRequest();
    if (request == null || !request.getRequestLine().getUri().contains("/manifests/")) {
      return;
    }
    Header digest = response.getFirstHeader("Docker-Content-Digest");
    OperationDeadline.current().ifPresent(d -> d.manifestDigestHeader(digest == null ? null : digest.getValue()));
    HttpEntity entity = response.getEntity();
    if (entity != null) {
      response.setEntity(new HttpEntityWrapper(entity) {
        @Override
        public InputStream getContent() throws IOException {
          return new Capped(super.getContent(), MAX_MANIFEST_BYTES);
        }
      });
    }
  }

  /** Fails a body at {@code max + 1} bytes instead of reading it to the end. */
  static final class Capped extends FilterInputStream {
    private final long max;
    private long count;

    Capped(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, (int) Math.min(len, max + 1 - count));
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) throws IOException {
      count += n;
      if (count > max) {
        throw new OversizedBodyException("manifest larger than " + max + " bytes");
      }
    }
  }

  /** Registers each socket with the deadline of the operation that opens it. */
  private static final class Tracked implements ConnectionSocketFactory {
    private final ConnectionSocketFactory delegate;

    Tracked(ConnectionSocketFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public Socket createSocket(HttpContext context) throws IOException {
      Socket socket = delegate.createSocket(context);
      OperationDeadline.current().ifPresent(d -> d.register(socket));
      return socket;
    }

    @Override
    public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remote,
        InetSocketAddress local, HttpContext context) throws IOException {
      Socket connected = delegate.connectSocket(connectTimeout, socket, host, remote, local, context);
      if (connected != socket) {
        OperationDeadline.current().ifPresent(d -> d.register(connected));
      }
      return connected;
    }
  }

  private static Constructor<FailoverHttpClient> noRetryConstructor() {
    try {
      Constructor<FailoverHttpClient> c = FailoverHttpClient.class.getDeclaredConstructor(boolean.class,
          boolean.class, Consumer.class, Supplier.class, Supplier.class, boolean.class);
      c.setAccessible(true);
      return c;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this Jib has no FailoverHttpClient(..., enableRetry) constructor", e);
    }
  }
}
