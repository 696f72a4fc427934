import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's upstream: a minimal keep-alive HTTP/1.1 echo server on blocking sockets, a thread per connection,
 * answering every request with 200 and its body (Content-Length bodies only). As small as the Go echo server the
 * issue's of-watchdog figures were measured against, and about as fast: it is the ceiling in bench/watchdog-http.sh.
 *   java bench/upstream/EchoServer.java 127.0.0.1 5000
 */
public final class EchoServer {
    public static void main(String[] args) throws IOException {
        ServerSocket listener = new ServerSocket(Integer.parseInt(args[1]), 1024, InetAddress.getByName(args[0]));
        while (true) {
            Socket socket = listener.accept();
            socket.setTcpNoDelay(true);
            Thread t = new Thread(() -> serve(socket));
            t.setDaemon(true);
            t.start();
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            OutputStream out = socket.getOutputStream();
            StringBuilder line = new StringBuilder();
            while (true) {
                long length = 0;
                boolean first = true;
                while (true) { // request line and header fields up to the empty line
                    line.setLength(0);
                    int c;
                    while ((c = in.read()) != '\n') {
                        if (c < 0) {
                            return;
                        }
                        if (c != '\r') {
                            line.append((char) c);
                        }
                    }
                    if (line.length() == 0) {
                        if (first) {
                            continue;
                        }
                        break;
                    }
                    first = false;
                    if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                byte[] body = in.readNBytes((int) length);
                byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                byte[] all = new byte[head.length + body.length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(body, 0, all, head.length, body.length);
                out.write(all);
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
