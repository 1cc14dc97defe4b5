// UART receiver, 8N1, LSB first (docs/fpga.md "Wire protocol"). CLKS_PER_BIT = clock / baud. Two-flop
// synchroniser on the pin; a start bit is confirmed at half a bit time, each data bit sampled mid-bit; a byte
// whose stop bit is low (framing error) is dropped.
`timescale 1ns/1ps
module uart_rx #(parameter integer CLKS_PER_BIT = 4) (
  input  wire       clk,
  input  wire       rst,
  input  wire       rx,
  output reg        valid,
  output reg  [7:0] data
);
  localparam [1:0] IDLE = 2'd0, START = 2'd1, DATA = 2'd2, STOP = 2'd3;
  reg [1:0]  sync;
  reg [1:0]  st;
  reg [15:0] cnt;
  reg [2:0]  bitn;
  reg [7:0]  sh;
  wire r = sync[1];
  always @(posedge clk) begin
    if (rst) begin
      sync <= 2'b11; st <= IDLE; cnt <= 16'd0; bitn <= 3'd0; valid <= 1'b0; data <= 8'd0; sh <= 8'd0;
    end else begin
      sync <= {sync[0], rx};
      valid <= 1'b0;
      case (st)
        IDLE: if (!r) begin st <= START; cnt <= 16'd0; end
        START: if (cnt == CLKS_PER_BIT / 2 - 1) begin
          cnt <= 16'd0;
          if (!r) begin st <= DATA; bitn <= 3'd0; end else st <= IDLE;
        end else cnt <= cnt + 16'd1;
        DATA: if (cnt == CLKS_PER_BIT - 1) begin
          cnt <= 16'd0; sh <= {r, sh[7:1]};
          if (bitn == 3'd7) st <= STOP; else bitn <= bitn + 3'd1;
        end else cnt <= cnt + 16'd1;
        STOP: if (cnt == CLKS_PER_BIT - 1) begin
          st <= IDLE; cnt <= 16'd0;
          if (r) begin valid <= 1'b1; data <= sh; end
        end else cnt <= cnt + 16'd1;
      endcase
    end
  end
endmodule
