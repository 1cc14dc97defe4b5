// Board top: UART (8N1) + COBS framing + CRC-32C + opcode dispatch in front of judge_core, answering byte for
// byte what firmware-sim/fpga/board.ts answers (checked by tests/fpga/frontend.test.ts). Protocol constants come
// from protocol.vh, generated from fpga/protocol/protocol.json. One request in flight: the host waits for the
// reply before it sends the next frame (bytes that arrive while a request is processed are dropped).
`timescale 1ns/1ps
`include "model_params.vh"
`include "protocol.vh"

module judge_top #(
  parameter integer CLKS_PER_BIT = 4,
  parameter integer CLOCK_KHZ = 12000
) (
  input  wire clk,
  input  wire rst,
  input  wire uart_rx_pin,
  output wire uart_tx_pin
);
  localparam integer RBUF = `AJN_MAX_PAYLOAD + 6;
  localparam integer NSUB = `JN_NSUB;
  localparam integer DIM = `JN_DIM;
  localparam [3:0] F_RX = 4'd0, F_END = 4'd1, F_FEED = 4'd2, F_WAIT = 4'd3, F_RCRC = 4'd4, F_SCAN = 4'd5,
                   F_CODE = 4'd6, F_SEND = 4'd7, F_NEXT = 4'd8, F_DELIM = 4'd9;
  localparam [1:0] K_ERR = 2'd0, K_U32 = 2'd1, K_INFO = 2'd2, K_INFER = 2'd3;

  function [31:0] crc32c_byte(input [31:0] c, input [7:0] b);
    integer k;
    reg [31:0] x;
    begin
      x = c ^ {24'd0, b};
      for (k = 0; k < 8; k = k + 1) x = x[0] ? ((x >> 1) ^ 32'h82F63B78) : (x >> 1);
      crc32c_byte = x;
    end
  endfunction

  wire       rx_valid;
  wire [7:0] rx_byte;
  uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) urx (.clk(clk), .rst(rst), .rx(uart_rx_pin), .valid(rx_valid), .data(rx_byte));
  reg        tx_start;
  reg  [7:0] tx_byte;
  wire       tx_busy;
  uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) utx (.clk(clk), .rst(rst), .start(tx_start), .data(tx_byte), .tx(uart_tx_pin), .busy(tx_busy));

  // The judge core, fed from the frame buffer one byte per cycle.
  reg         feed;
  reg  [15:0] feed_pos;
  wire        core_ready, core_valid;
  wire [1:0]  verdict;
  wire [7:0]  confidence;
  wire signed [31:0] l0, l1, l2;
  wire [32*NSUB-1:0] attr;
  wire [31:0] cycles;
  wire        core_in_valid = feed && feed_pos < DIM;
  wire        core_accept = core_in_valid && core_ready;
  reg  [7:0]  rdata;
  judge_core core (
    .clk(clk), .rst(rst), .in_valid(core_in_valid), .in_data(rdata), .in_ready(core_ready), .out_valid(core_valid),
    .verdict(verdict), .confidence(confidence), .logit0(l0), .logit1(l1), .logit2(l2), .attribution(attr), .cycles(cycles)
  );

  reg [7:0] hash [0:31];
  initial $readmemh(`JN_HASH_HEX, hash);

  // Frame buffer (COBS-decoded payload || CRC) with a synchronous read port addressed one byte ahead while feeding.
  reg  [7:0]  rbuf [0:RBUF-1];
  reg  [15:0] rlen;
  wire [15:0] raddr = 16'd2 + feed_pos + (core_accept ? 16'd1 : 16'd0);
  always @(posedge clk) rdata <= rbuf[raddr < RBUF ? raddr : 16'd0];

  reg [3:0]  fs;
  reg        started, overflow;
  reg [7:0]  code, left;
  reg [31:0] crc, last4;
  reg [7:0]  op, seq, b0, b1;
  reg [31:0] infer_count, crc_errors, last_cycles;

  // Response: raw(i) for i < rsp_len is the payload, then 4 CRC bytes (LE).
  reg [1:0]  kind;
  reg [7:0]  r_op, r_seq, r_status;
  reg [31:0] r_val;
  reg [15:0] rsp_len;
  reg [31:0] rcrc;
  reg [15:0] ri, blk, j, k;

  function [7:0] body_byte(input [15:0] bj);  // response body byte bj (bj = 0 is the status)
    reg [15:0] a;
    begin
      body_byte = 8'd0;
      if (bj == 0) body_byte = r_status;
      else case (kind)
        K_U32: if (bj <= 4) body_byte = r_val[(bj - 1) * 8 +: 8];
        K_INFO: begin
          if (bj == 1) body_byte = `AJN_PROTO_VERSION;
          else if (bj == 2) body_byte = `JN_LANES & 8'hff;
          else if (bj == 3) body_byte = (`JN_LANES >> 8) & 8'hff;
          else if (bj == 4) body_byte = `JN_HIDDEN & 8'hff;
          else if (bj == 5) body_byte = (`JN_HIDDEN >> 8) & 8'hff;
          else if (bj == 6) body_byte = DIM & 8'hff;
          else if (bj == 7) body_byte = (DIM >> 8) & 8'hff;
          else if (bj == 8) body_byte = NSUB;
          else if (bj >= 9 && bj <= 12) body_byte = (CLOCK_KHZ >> ((bj - 9) * 8)) & 8'hff;
          else if (bj >= 13 && bj <= 44) body_byte = hash[bj - 13];
        end
        K_INFER: begin
          if (bj == 1) body_byte = {6'd0, verdict};
          else if (bj == 2) body_byte = confidence;
          else if (bj >= 5 && bj <= 8) body_byte = l0[(bj - 5) * 8 +: 8];
          else if (bj >= 9 && bj <= 12) body_byte = l1[(bj - 9) * 8 +: 8];
          else if (bj >= 13 && bj <= 16) body_byte = l2[(bj - 13) * 8 +: 8];
          else if (bj >= 17 && bj <= 20) body_byte = cycles[(bj - 17) * 8 +: 8];
          else if (bj >= 21) begin a = bj - 21; body_byte = attr[a * 8 +: 8]; end
        end
        default: body_byte = 8'd0;
      endcase
    end
  endfunction

  function [7:0] raw(input [15:0] i);
    begin
      if (i == 0) raw = r_op;
      else if (i == 1) raw = r_seq;
      else if (i < rsp_len) raw = body_byte(i - 16'd2);
      else raw = rcrc[(i - rsp_len) * 8 +: 8];
    end
  endfunction

  task respond(input [1:0] kd, input [7:0] o, input [7:0] s, input [7:0] st, input [31:0] v);
    begin
      kind <= kd; r_op <= o; r_seq <= s; r_status <= st; r_val <= v;
      rsp_len <= (kd == K_ERR) ? 16'd3 : (kd == K_U32) ? 16'd7 : (kd == K_INFO) ? 16'd47 : 16'd143;
      rcrc <= 32'hffffffff; ri <= 16'd0; fs <= F_RCRC;
    end
  endtask

  task append(input [7:0] b);
    begin
      if (rlen < RBUF) rbuf[rlen] <= b; else overflow <= 1'b1;
      if (rlen == 0) op <= b;
      if (rlen == 1) seq <= b;
      if (rlen == 2) b0 <= b;
      if (rlen == 3) b1 <= b;
      if (rlen >= 4) crc <= crc32c_byte(crc, last4[7:0]);
      last4 <= {b, last4[31:8]};
      rlen <= rlen + 16'd1;
    end
  endtask

  wire [15:0] body_len = rlen - 16'd6;
  wire [15:0] reg_addr = {b1, b0};
  reg  [31:0] reg_val;
  reg         reg_ok;
  always @* begin
    reg_ok = 1'b1;
    case (reg_addr)
      `AJN_REG_ID: reg_val = `AJN_ID_VALUE;
      `AJN_REG_PROTO_VERSION: reg_val = `AJN_PROTO_VERSION;
      `AJN_REG_LANES: reg_val = `JN_LANES;
      `AJN_REG_HIDDEN: reg_val = `JN_HIDDEN;
      `AJN_REG_INPUT_DIM: reg_val = DIM;
      `AJN_REG_LAST_CYCLES: reg_val = last_cycles;
      `AJN_REG_INFER_COUNT: reg_val = infer_count;
      `AJN_REG_CRC_ERRORS: reg_val = crc_errors;
      `AJN_REG_CLOCK_KHZ: reg_val = CLOCK_KHZ;
      default: begin reg_val = 32'd0; reg_ok = 1'b0; end
    endcase
  end

  always @(posedge clk) begin
    if (rst) begin
      fs <= F_RX; started <= 1'b0; overflow <= 1'b0; left <= 8'd0; code <= 8'd0; rlen <= 16'd0;
      crc <= 32'hffffffff; last4 <= 32'd0; feed <= 1'b0; feed_pos <= 16'd0; tx_start <= 1'b0;
      infer_count <= 32'd0; crc_errors <= 32'd0; last_cycles <= 32'd0;
    end else begin
      tx_start <= 1'b0;
      case (fs)
        // COBS decoding as bytes arrive: a code byte n announces n-1 data bytes and, when n < 255, a zero
        // before the next block; the delimiter 0x00 ends the frame.
        F_RX: if (rx_valid) begin
          if (rx_byte == 8'd0) begin
            if (started) fs <= F_END;
          end else if (left == 8'd0) begin
            if (started && code != 8'd255) append(8'd0);
            started <= 1'b1; code <= rx_byte; left <= rx_byte - 8'd1;
          end else begin
            append(rx_byte); left <= left - 8'd1;
          end
        end
        F_END: begin
          started <= 1'b0; left <= 8'd0; code <= 8'd0; rlen <= 16'd0; crc <= 32'hffffffff; overflow <= 1'b0;
          if (left != 8'd0 || overflow || rlen < 16'd6) respond(K_ERR, `AJN_ERROR_OPCODE, 8'd0, `AJN_ST_BAD_LENGTH, 32'd0);
          else if ((crc ^ 32'hffffffff) != last4) begin
            crc_errors <= crc_errors + 32'd1;
            respond(K_ERR, `AJN_ERROR_OPCODE, 8'd0, `AJN_ST_BAD_CRC, 32'd0);
          end else case (op)
            `AJN_OP_PING: respond(K_U32, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_OK, `AJN_ID_VALUE);
            `AJN_OP_INFO: respond(K_INFO, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_OK, 32'd0);
            `AJN_OP_READ_REG:
              if (body_len != 16'd2) respond(K_ERR, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_BAD_LENGTH, 32'd0);
              else if (!reg_ok) respond(K_ERR, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_BAD_REG, 32'd0);
              else respond(K_U32, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_OK, reg_val);
            `AJN_OP_INFER:
              if (body_len != DIM) respond(K_ERR, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_BAD_LENGTH, 32'd0);
              else begin feed <= 1'b1; feed_pos <= 16'd0; fs <= F_FEED; end
            default: respond(K_ERR, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_BAD_OPCODE, 32'd0);
          endcase
        end
        F_FEED: if (core_accept) begin
          feed_pos <= feed_pos + 16'd1;
          if (feed_pos == DIM - 1) begin feed <= 1'b0; fs <= F_WAIT; end
        end
        F_WAIT: if (core_valid) begin
          feed_pos <= 16'd0; infer_count <= infer_count + 32'd1; last_cycles <= cycles;
          respond(K_INFER, op | `AJN_RESPONSE_FLAG, seq, `AJN_ST_OK, 32'd0);
        end
        F_RCRC: if (ri < rsp_len) begin
          rcrc <= crc32c_byte(rcrc, raw(ri)); ri <= ri + 16'd1;
        end else begin
          rcrc <= rcrc ^ 32'hffffffff; blk <= 16'd0; j <= 16'd0; fs <= F_SCAN;
        end
        // COBS encoding of raw(0 .. rsp_len+3): find the next zero (at most 254 bytes on), send the code byte,
        // then the block; a full 254-byte block is not followed by an implied zero.
        F_SCAN: if (j < rsp_len + 16'd4 && raw(j) != 8'd0 && j - blk < 16'd254) j <= j + 16'd1;
          else fs <= F_CODE;
        F_CODE: if (!tx_busy && !tx_start) begin
          tx_byte <= (j - blk + 16'd1); tx_start <= 1'b1; k <= blk; fs <= F_SEND;
        end
        F_SEND: if (!tx_busy && !tx_start) begin
          if (k < j) begin tx_byte <= raw(k); tx_start <= 1'b1; k <= k + 16'd1; end
          else fs <= F_NEXT;
        end
        F_NEXT: begin
          if (j - blk == 16'd254) begin blk <= j; fs <= F_SCAN; end
          else if (j < rsp_len + 16'd4) begin blk <= j + 16'd1; j <= j + 16'd1; fs <= F_SCAN; end
          else fs <= F_DELIM;
        end
        F_DELIM: if (!tx_busy && !tx_start) begin tx_byte <= 8'd0; tx_start <= 1'b1; fs <= F_RX; end
        default: fs <= F_RX;
      endcase
    end
  end
endmodule
